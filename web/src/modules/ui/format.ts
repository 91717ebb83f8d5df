import { formatShort, timeZoneChoice } from './timeFormat';

/** A moment inside a sentence or a label, in the zone the viewer chose; on screen, times are shown with <Time>. */
export function formatDateTime(iso: string): string {
  return formatShort(iso, timeZoneChoice());
}

/** "1 installation", "2 installations"; `many` when the plural is not the singular plus s. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
