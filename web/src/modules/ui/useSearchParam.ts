import { useCallback } from 'react';
import { useSearchParams } from 'react-router';

/**
 * One query-string parameter as state: the URL is the only store, so every view it shapes can be shared and
 * survives a reload. An empty value removes the parameter. Filters replace the history entry; `push` adds one
 * (e.g. opening a drawer, so Back closes it).
 */
export function useSearchParam(name: string, { push = false }: { push?: boolean } = {}): [string, (value: string) => void] {
  const [params, setParams] = useSearchParams();
  const value = params.get(name) ?? '';
  const setValue = useCallback(
    (next: string) =>
      setParams(
        (current) => {
          const updated = new URLSearchParams(current);
          if (next) updated.set(name, next);
          else updated.delete(name);
          return updated;
        },
        { replace: !push },
      ),
    [name, push, setParams],
  );
  return [value, setValue];
}
