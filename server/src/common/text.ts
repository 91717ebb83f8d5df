/** A NUL character, or half of a surrogate pair: PostgreSQL stores neither in text or jsonb. */
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const UNSTORABLE_TEXT_MESSAGE = 'Text must not contain a NUL character or an unpaired surrogate';

export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/**
 * Where in a parsed JSON value (a request body, GraphQL variables) a string, or an object key, holds text that
 * cannot be stored, as a path (`input.lines[2]`); null if there is none. Iterative: nesting depth is the client's.
 */
export function unstorableTextPath(value: unknown, root = ''): string | null {
  const pending: [unknown, string][] = [[value, root]];
  while (pending.length > 0) {
    const [item, path] = pending.pop()!;
    if (typeof item === 'string') {
      if (!isStorableText(item)) return path || '(the value)';
    } else if (Array.isArray(item)) {
      item.forEach((element, index) => pending.push([element, `${path}[${index}]`]));
    } else if (typeof item === 'object' && item !== null) {
      for (const [key, element] of Object.entries(item)) {
        const at = path ? `${path}.${key}` : key;
        if (!isStorableText(key)) return at;
        pending.push([element, at]);
      }
    }
  }
  return null;
}
