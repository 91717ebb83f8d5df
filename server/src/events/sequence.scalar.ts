import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

/** Sequences are PostgreSQL bigints; 18 digits always fit. */
const DIGITS = /^\d{1,18}$/;

function invalid(value: unknown): GraphQLError {
  return new GraphQLError(`An event sequence is a whole number, 0 or more, e.g. 42 or "42"; got ${JSON.stringify(value)}`, {
    extensions: { code: 'BAD_USER_INPUT' },
  });
}

function parse(value: unknown): string {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === 'string' && DIGITS.test(value)) return BigInt(value).toString();
  throw invalid(value);
}

/**
 * The sequence of an event as an argument: an Int or a String of digits (the String form reaches every 64-bit
 * value), read as its decimal string. Event.sequence itself stays a String.
 */
export const SequenceScalar = new GraphQLScalarType<string, string>({
  name: 'Sequence',
  description: 'An event sequence: a whole number, 0 or more, given as an Int (e.g. 42) or as a String of digits (e.g. "42").',
  serialize: (value) => parse(value),
  parseValue: (value) => parse(value),
  parseLiteral: (ast) => {
    if (ast.kind === Kind.INT || ast.kind === Kind.STRING) return parse(ast.value);
    throw invalid(ast.kind);
  },
});
