import type { ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import {
  BREAK,
  GraphQLError,
  OperationTypeNode,
  visit,
  type DocumentNode,
  type GraphQLSchema,
  type StringValueNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE } from '../common/pagination';
import { isStorableText, unstorableTextPath, UNSTORABLE_TEXT_MESSAGE } from '../common/text';
import type { Config } from '../config';

/**
 * A field that takes `first` (a connection or a list that grows with use) costs its children once per item it may
 * return: the `first` asked for, else the argument's default (the list's cap), else the default page size. Lists
 * without `first` have a length fixed by what they belong to (labels, a release's components) and cost their
 * children once; schema.test.ts keeps that set from growing unnoticed.
 */
const pageEstimator: ComplexityEstimator = ({ args, childComplexity, field }) => {
  if (!field.args?.some((arg) => arg.name === 'first')) return undefined;
  const first = typeof args.first === 'number' ? Math.max(args.first, 0) : DEFAULT_PAGE_SIZE;
  return 1 + first * Math.max(childComplexity, 1);
};

/** Reported as ordinary validation errors (GRAPHQL_VALIDATION_FAILED), not thrown. */
const asValidationError = {
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)],
};

export function validationRules(config: Config): ValidationRule[] {
  return [
    maxDepthRule({ n: config.maxQueryDepth, exposeLimits: true, ...asValidationError }),
    maxAliasesRule({ n: 30, exposeLimits: true, ...asValidationError }),
  ];
}

export function queryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName?: string | null,
) {
  try {
    return getComplexity({
      schema,
      query: document,
      variables,
      operationName: operationName ?? undefined,
      estimators: [pageEstimator, simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch (error) {
    // getComplexity coerces the variables before execution does, so variables that do not fit are refused here.
    if (error instanceof GraphQLError) throw new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT' } });
    throw error;
  }
}

export function costError(cost: number, maxCost: number): GraphQLError {
  return new GraphQLError(
    `The query is too expensive: it costs ${cost}, at most ${maxCost} is allowed; ask for fewer items or fields`,
    {
      extensions: { code: 'BAD_USER_INPUT', cost, maxCost },
    },
  );
}

/** Text PostgreSQL cannot store, in the variables or in a string of the document: refused before anything runs. */
export function unstorableTextError(
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
): GraphQLError | null {
  const path = unstorableTextPath(variables ?? {}, 'variables');
  if (path !== null) return new GraphQLError(`${UNSTORABLE_TEXT_MESSAGE} (${path})`, { extensions: { code: 'BAD_USER_INPUT' } });
  let literal: StringValueNode | null = null;
  visit(document, {
    StringValue(node) {
      if (isStorableText(node.value)) return undefined;
      literal = node;
      return BREAK;
    },
  });
  return literal ? new GraphQLError(UNSTORABLE_TEXT_MESSAGE, { nodes: literal, extensions: { code: 'BAD_USER_INPUT' } }) : null;
}

/** Apollo answers an error thrown before execution with 500 unless it names a status: these are the client's. */
function withStatus400(error: GraphQLError): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    extensions: { ...error.extensions, http: { status: 400 } },
  });
}

/** The checks of an operation over HTTP between validation and execution; any refusal is a 400. */
export function operationLimitsPlugin(config: Config): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema, operation }) {
          if (operation?.operation === OperationTypeNode.SUBSCRIPTION) {
            throw withStatus400(
              new GraphQLError('Subscriptions are served over WebSocket (graphql-ws) at /graphql, not over HTTP', {
                extensions: { code: 'BAD_REQUEST' },
              }),
            );
          }
          const textError = unstorableTextError(document, request.variables);
          if (textError) throw withStatus400(textError);
          let cost: number;
          try {
            cost = queryCost(schema, document, request.variables, request.operationName);
          } catch (error) {
            throw error instanceof GraphQLError ? withStatus400(error) : error;
          }
          if (cost > config.maxQueryCost) throw withStatus400(costError(cost, config.maxQueryCost));
        },
      };
    },
  };
}
