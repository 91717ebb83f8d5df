export type Change = 'added' | 'removed' | 'changed' | 'same';

export interface DiffRow {
  /** Dotted path of the value, e.g. `labels.0.value`; empty for a value that is not an object. */
  path: string;
  before: unknown;
  after: unknown;
  change: Change;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return isPlainObject(value) || Array.isArray(value);
}

function entries(value: Record<string, unknown> | unknown[]): [string, unknown][] {
  return Array.isArray(value) ? value.map((item, index) => [String(index), item]) : Object.entries(value);
}

/**
 * The before and after of an audit event as rows, one per leaf value (objects and arrays are opened up), in the
 * order of the keys of the before then the new keys of the after, each marked added, removed, changed or same.
 */
export function diffJson(before: unknown, after: unknown, path = ''): DiffRow[] {
  if (isContainer(before) && isContainer(after) && Array.isArray(before) === Array.isArray(after)) {
    const left = new Map(entries(before));
    const right = new Map(entries(after));
    const keys = [...left.keys(), ...[...right.keys()].filter((key) => !left.has(key))];
    return keys.flatMap((key) => {
      const child = path ? `${path}.${key}` : key;
      if (!left.has(key)) return leaves(right.get(key), child, 'added');
      if (!right.has(key)) return leaves(left.get(key), child, 'removed');
      return diffJson(left.get(key), right.get(key), child);
    });
  }
  if (before === undefined || before === null) {
    if (after === undefined || after === null) return path ? [{ path, before, after, change: 'same' }] : [];
    // A value recorded as null before (e.g. lockedAt of a draft) that is set now changed; it was not added.
    if (before === null && path && !isContainer(after)) return [{ path, before, after, change: 'changed' }];
    return leaves(after, path, 'added');
  }
  if (after === undefined || after === null) {
    if (after === null && path && !isContainer(before)) return [{ path, before, after, change: 'changed' }];
    return leaves(before, path, 'removed');
  }
  const same = JSON.stringify(before) === JSON.stringify(after);
  return [{ path, before, after, change: same ? 'same' : 'changed' }];
}

function leaves(value: unknown, path: string, change: 'added' | 'removed'): DiffRow[] {
  if (isContainer(value) && entries(value).length > 0) {
    return entries(value).flatMap(([key, item]) => leaves(item, path ? `${path}.${key}` : key, change));
  }
  return [{ path, before: change === 'removed' ? value : undefined, after: change === 'added' ? value : undefined, change }];
}

/** A value as one line of text: strings bare, everything else as JSON, nothing as an en dash. */
export function formatValue(value: unknown): string {
  if (value === undefined) return '–';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
