import { useCallback } from 'react';
import { useUrlParams } from './searchParams';

/**
 * One query-string parameter as state: the URL is the only store, so every view it shapes can be shared and
 * survives a reload. An empty value removes the parameter. Filters replace the history entry; `push` adds one
 * (e.g. opening a drawer, so Back closes it).
 */
export function useSearchParam(name: string, { push = false }: { push?: boolean } = {}): [string, (value: string) => void] {
  const { params, set } = useUrlParams();
  const setValue = useCallback((next: string) => set({ [name]: next }, { replace: !push }), [name, push, set]);
  return [params.get(name) ?? '', setValue];
}
