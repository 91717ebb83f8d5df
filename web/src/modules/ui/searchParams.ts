import { useCallback } from 'react';
import { useSearchParams } from 'react-router';

/**
 * Filters kept in the URL, so a filtered view can be shared: `set` changes some parameters (null or '' removes one)
 * and keeps the others.
 */
export function useUrlParams() {
  const [params, setParams] = useSearchParams();
  const set = useCallback(
    (changes: Record<string, string | null>, options: { replace?: boolean } = { replace: true }) => {
      // From the address as it is now, not as of the last render: two fields set one right after the other (a
      // hurried person) must both stay; the router's own "current" is the rendered one and lost the first.
      const updated = new URLSearchParams(window.location.search);
      for (const [key, value] of Object.entries(changes)) {
        if (value) updated.set(key, value);
        else updated.delete(key);
      }
      setParams(updated, { replace: options.replace });
    },
    [setParams],
  );
  const get = useCallback((key: string) => params.get(key)?.trim() || null, [params]);
  return { params, get, set };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A YYYY-MM-DD day from the URL, or null when it is missing or not a day. */
export function parseDay(value: string | null): string | null {
  return value && DAY.test(value) && !Number.isNaN(new Date(`${value}T00:00:00`).getTime()) ? value : null;
}

/** The start of a local day, as the API's DateTime. */
export function startOfDay(day: string): string {
  return new Date(`${day}T00:00:00`).toISOString();
}

/** The start of the local day after `day`: an inclusive "to" day as an exclusive `until`. */
export function endOfDay(day: string): string {
  const date = new Date(`${day}T00:00:00`);
  date.setDate(date.getDate() + 1);
  return date.toISOString();
}
