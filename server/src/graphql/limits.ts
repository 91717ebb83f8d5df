import type { ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { GraphQLError, type DocumentNode, type GraphQLSchema, type ValidationContext, type ValidationRule } from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE } from '../common/pagination';
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

export function costLimitPlugin(config: Config): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema }) {
          const cost = queryCost(schema, document, request.variables, request.operationName);
          if (cost > config.maxQueryCost) throw costError(cost, config.maxQueryCost);
        },
      };
    },
  };
}
