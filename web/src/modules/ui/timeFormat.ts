import { useSyncExternalStore } from 'react';

/** Where times are shown in: the browser's zone, or UTC. Kept in this browser (localStorage). */
export type TimeZoneChoice = 'local' | 'utc';

const STORAGE_KEY = 'shiplog.timeZone';
const listeners = new Set<() => void>();

/** The choice at this moment, for text built outside React's rendering. */
export function timeZoneChoice(): TimeZoneChoice {
  try {
    return window.localStorage.getItem(STORAGE_KEY) === 'utc' ? 'utc' : 'local';
  } catch {
    return 'local';
  }
}

function subscribeChoice(listener: () => void) {
  listeners.add(listener);
  // Another tab changing the setting changes it here too.
  const onStorage = (event: StorageEvent) => {
    if (event.key === STORAGE_KEY) listener();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

export function setTimeZoneChoice(choice: TimeZoneChoice) {
  try {
    window.localStorage.setItem(STORAGE_KEY, choice);
  } catch {
    // Storage may be unavailable (private mode); the choice then lasts for this page only.
  }
  for (const listener of listeners) listener();
}

export function useTimeZoneChoice(): TimeZoneChoice {
  return useSyncExternalStore(subscribeChoice, timeZoneChoice, () => 'local');
}

/** One clock for every relative time on the page, ticking while any is shown. */
const TICK_MS = 30_000;
let now = Date.now();
let timer: ReturnType<typeof setInterval> | null = null;
const clockListeners = new Set<() => void>();

function subscribeClock(listener: () => void) {
  clockListeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const each of clockListeners) each();
    }, TICK_MS);
  }
  return () => {
    clockListeners.delete(listener);
    if (clockListeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

export function useNow(): number {
  return useSyncExternalStore(subscribeClock, () => now);
}

const absoluteFormats = new Map<TimeZoneChoice, Intl.DateTimeFormat>();

/** "28 Nov 2026, 11:34:32 UTC", in the chosen zone, with the zone named. */
export function formatAbsolute(iso: string, choice: TimeZoneChoice): string {
  let format = absoluteFormats.get(choice);
  if (!format) {
    format = new Intl.DateTimeFormat(undefined, {
      dateStyle: 'medium',
      timeStyle: 'long',
      ...(choice === 'utc' ? { timeZone: 'UTC' } : {}),
    });
    absoluteFormats.set(choice, format);
  }
  const text = format.format(new Date(iso));
  if (choice === 'utc') return text;
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone && !text.includes(zone) ? `${text} (${zone})` : text;
}

const shortFormats = new Map<TimeZoneChoice, Intl.DateTimeFormat>();

/** "28 Nov 2026, 11:34" in the chosen zone; "UTC" is said when the zone is UTC. */
export function formatShort(iso: string, choice: TimeZoneChoice): string {
  let format = shortFormats.get(choice);
  if (!format) {
    format = new Intl.DateTimeFormat(undefined, {
      dateStyle: 'medium',
      timeStyle: 'short',
      ...(choice === 'utc' ? { timeZone: 'UTC' } : {}),
    });
    shortFormats.set(choice, format);
  }
  const text = format.format(new Date(iso));
  return choice === 'utc' ? `${text} UTC` : text;
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'always' });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['minute', 60],
  ['hour', 60 * 60],
  ['day', 24 * 60 * 60],
];
/** Beyond a week a date says more than "23 days ago". */
const RELATIVE_LIMIT_S = 7 * 24 * 60 * 60;

/** "just now", "5 minutes ago", "in 2 hours"; null when too far off to say it that way. */
export function formatRelative(iso: string, nowMs: number): string | null {
  const seconds = Math.round((new Date(iso).getTime() - nowMs) / 1000);
  const distance = Math.abs(seconds);
  if (distance < 45) return 'just now';
  if (distance >= RELATIVE_LIMIT_S) return null;
  let unit = UNITS[0];
  for (const candidate of UNITS) if (distance >= candidate[1] * 0.9 || candidate === UNITS[0]) unit = candidate;
  return relative.format(Math.round(seconds / unit[1]), unit[0]);
}

const clockFormats = new Map<TimeZoneChoice, Intl.DateTimeFormat>();

/** "11:34:32", the time of day in the chosen zone, for log lines. */
export function formatClock(iso: string, choice: TimeZoneChoice): string {
  let format = clockFormats.get(choice);
  if (!format) {
    format = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium', ...(choice === 'utc' ? { timeZone: 'UTC' } : {}) });
    clockFormats.set(choice, format);
  }
  return format.format(new Date(iso));
}
