import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import {
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  OperationTypeNode,
  parse,
  typeFromAST,
  type GraphQLInputType,
  type GraphQLSchema,
  type NamedTypeNode,
  type OperationDefinitionNode,
} from 'graphql';
import { MAX_LIST_ITEMS } from '../common/pagination';
import { queryCost } from './limits';
import { createSchema } from './schema';

const DEFAULT_MAX_COST = 20_000;

/**
 * Lists without `first`: their length is fixed by what they belong to, not by how much an API caller adds, so they
 * count each child once. Anything that grows with use must take `first` instead.
 */
const FIXED_LENGTH_LISTS = new Set([
  'ApiToken.tenants', // chosen when the token is made, at most 1000
  'User.tenants',
  'Viewer.tenants',
  'EnvironmentTier.requiredTiers', // earlier tiers
  'Installation.labels', // at most 50
  'Tenant.labels',
  'Tenant.contacts', // at most 50
  'Installation.running', // one per application
  'Mutation.rollbackInstallation', // one per application
  'PlannedStage.deployments', // one per component of the release (at most 500)
  'PlannedTarget.stages',
  'Query.deploymentStats', // one per day, at most 366
  'Query.environmentTiers', // the pipeline's stages
  'Query.releaseTracks', // product lines
  'Release.components', // at most 500
  'Release.lockBlockers', // at most one per component
  'RolloutPlan.blockers', // per release, tier and explicitly chosen installation
  'RolloutPlan.waves', // the requested waves (at most 20) and the rest
  'RolloutPlan.promotionGaps', // one per tier of the plan and tier its rule names
  'ConfigurationPlan.kinds', // one per kind of object
  'ConfigurationKindPlan.creates', // one per object of the documents sent (bounded by the request size)
  'ConfigurationKindPlan.updates',
  'ConfigurationKindPlan.archives', // what a prune may archive: at most 10 or pruneMax
  'ConfigurationChange.fields', // one per field of an object
  'Webhook.eventTypes', // at most one per webhook event type
  'Webhook.tenantSlugs', // chosen when the webhook is made or changed, at most 1000
]);

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await createSchema();
});

function cost(query: string, variables: Record<string, unknown> = {}): number {
  return queryCost(schema, parse(query), variables);
}

describe('the query cost', () => {
  it('gives every list that grows with use a first argument, so its real size is counted', () => {
    const unbounded: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        if (!isListType(getNullableType(field.type))) continue;
        const key = `${type.name}.${field.name}`;
        const insideConnection = type.name.endsWith('Connection') && (field.name === 'nodes' || field.name === 'edges');
        const bounded = field.args.some((arg) => arg.name === 'first' && (arg.defaultValue as number) <= MAX_LIST_ITEMS);
        if (!bounded && !insideConnection && !FIXED_LENGTH_LISTS.has(key)) unbounded.push(key);
      }
    }
    expect(unbounded).toEqual([]);
  });

  it('counts a deployment log at its default cap, so thirty aliases of it are far over the limit', () => {
    const one = cost('{ deployment(id: "x") { log { at line } } }');
    expect(one).toBeGreaterThanOrEqual(MAX_LIST_ITEMS * 2);
    const aliases = Array.from({ length: 30 }, (_, i) => `l${i}: deployment(id: "x") { log { at line } }`).join(' ');
    expect(cost(`{ ${aliases} }`)).toBeGreaterThan(DEFAULT_MAX_COST);
    expect(cost('{ deployment(id: "x") { log(first: 10) { at line } } }')).toBeLessThan(50);
  });

  it.each([
    ['whereIs', '{ whereIs(applicationSlug: "a", version: "1") { id slug } }'],
    ['Release.installationsRunning', '{ release(id: "x") { installationsRunning { id slug } } }'],
    ['Artifact.journey', '{ artifact(applicationSlug: "a", version: "1") { journey { at } } }'],
    ['Rollout.targets', '{ rollout(id: "x") { targets { id status } } }'],
    [
      'RolloutPlan.targets',
      '{ previewRollout(input: { releaseId: "x", installationIds: ["y"] }) { targets { wave } excluded { reason } } }',
    ],
  ])('counts %s at its cap of 1000 items when no first is given', (_, query) => {
    expect(cost(query)).toBeGreaterThanOrEqual(MAX_LIST_ITEMS);
  });

  it('multiplies nested lists: each target counts its deployments', () => {
    const flat = cost('{ rollout(id: "x") { targets(first: 10) { id } } }');
    const nested = cost('{ rollout(id: "x") { targets(first: 10) { id deployments(first: 10) { id status } } } }');
    expect(nested).toBeGreaterThan(flat + 10 * 10 * 2 - 1);
  });
});

const SCALARS: Record<string, unknown> = { Int: 100, Boolean: true, String: 'x', ID: 'x', DateTime: '2026-01-01T00:00:00.000Z' };

/** A value of `type`: the largest page the web app may ask for, placeholders otherwise, every required field filled. */
function placeholder(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return placeholder(type.ofType);
  if (isListType(type)) return [];
  if (isInputObjectType(type)) {
    const required = Object.values(type.getFields()).filter((field) => isNonNullType(field.type));
    return Object.fromEntries(required.map((field) => [field.name, placeholder(field.type)]));
  }
  if (isEnumType(type)) return type.getValues()[0].value;
  return SCALARS[type.name] ?? 'x';
}

function variablesFor(operation: OperationDefinitionNode): Record<string, unknown> {
  return Object.fromEntries(
    (operation.variableDefinitions ?? []).map((definition) => [
      definition.variable.name.value,
      placeholder(typeFromAST(schema, definition.type as NamedTypeNode) as GraphQLInputType),
    ]),
  );
}

function webDocuments(directory: string): string[] {
  return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return webDocuments(full);
    return entry.name.endsWith('.graphql') ? [full] : [];
  });
}

describe('the web app', () => {
  const files = webDocuments(path.resolve(__dirname, '..', '..', '..', 'web', 'src'));

  it('has GraphQL documents to check', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it('queries nothing over the default cost limit, even at its largest pages', () => {
    const source = files.map((file) => fs.readFileSync(file, 'utf8')).join('\n');
    const document = parse(source);
    const over: string[] = [];
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION || definition.operation !== OperationTypeNode.QUERY) continue;
      const name = definition.name!.value;
      const operationCost = queryCost(schema, document, variablesFor(definition), name);
      if (operationCost > DEFAULT_MAX_COST) over.push(`${name}: ${operationCost}`);
    }
    expect(over).toEqual([]);
  });
});
