import type { ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { GraphQLError, type DocumentNode, type GraphQLSchema, type ValidationContext, type ValidationRule } from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import type { Config } from '../config';

/** A list field costs its children once per item it may return: `first` items, or the default page size. */
const pageEstimator: ComplexityEstimator = ({ args, childComplexity, field }) => {
  const first = typeof args.first === 'number' ? args.first : null;
  const isConnection = 'first' in (field.args ? Object.fromEntries(field.args.map((arg) => [arg.name, true])) : {});
  if (!isConnection) return undefined;
  return 1 + (first ?? 20) * Math.max(childComplexity, 1);
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
