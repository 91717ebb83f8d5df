import { Matches, MaxLength, MinLength } from 'class-validator';

/** Lowercase letters, digits and single dashes: safe in URLs, stable across renames. */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function IsSlug(): PropertyDecorator {
  return Matches(SLUG_PATTERN, {
    message: ({ property }) =>
      `${property} must be 1-63 lowercase letters, digits or '-', starting and ending with a letter or digit`,
  });
}

export function IsName(max = 200): PropertyDecorator {
  return (target, key) => {
    MinLength(1, { message: ({ property }) => `${property} must not be empty` })(target, key);
    MaxLength(max, { message: ({ property }) => `${property} must be at most ${max} characters` })(target, key);
  };
}

/** A reason for a transition, recorded in the audit log. */
export function IsReason(): PropertyDecorator {
  return (target, key) => {
    Matches(/\S/, { message: ({ property }) => `${property} must say why` })(target, key);
    MaxLength(2000, { message: ({ property }) => `${property} must be at most 2000 characters` })(target, key);
  };
}
