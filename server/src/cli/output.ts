import { stringify as toYaml } from 'yaml';

export type Format = 'table' | 'json' | 'yaml';

export interface OutputOptions {
  format: Format;
  quiet: boolean;
  color: boolean;
}

/** A column of a table: its heading and how to read it from a row. */
export type Columns<T> = [heading: string, value: (row: T) => unknown][];

const WIDTH = 80;

function text(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (Array.isArray(value)) return value.length ? value.map(text).join(', ') : '-';
  return typeof value === 'object' ? JSON.stringify(value) : `${value as string}`;
}

/** Rows in columns no wider than 80 characters in all: the widest columns give way first, cut with '…'. */
export function table<T>(rows: T[], columns: Columns<T>): string {
  const cells = rows.map((row) => columns.map(([, value]) => text(value(row)).replace(/\s+/g, ' ')));
  const widths = columns.map(([heading], i) => Math.max(heading.length, ...cells.map((row) => row[i].length)));
  const gap = 2 * (columns.length - 1);
  while (widths.reduce((sum, width) => sum + width, gap) > WIDTH) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest] <= 6) break;
    widths[widest]--;
  }
  const fit = (cell: string, width: number) => (cell.length > width ? `${cell.slice(0, width - 1)}…` : cell.padEnd(width));
  const line = (row: string[]) =>
    row
      .map((cell, i) => fit(cell, widths[i]))
      .join('  ')
      .trimEnd();
  return [line(columns.map(([heading]) => heading.toUpperCase())), ...cells.map(line)].join('\n');
}

/** One record as `key: value` lines, each cut to 80 characters with '…' (JSON and YAML have it all). */
export function record(entries: [string, unknown][]): string {
  const width = Math.max(...entries.map(([key]) => key.length)) + 1;
  return entries
    .map(([key, value]) => {
      const line = `${`${key}:`.padEnd(width)} ${text(value).replace(/\s+/g, ' ')}`;
      return line.length > WIDTH ? `${line.slice(0, WIDTH - 1)}…` : line;
    })
    .join('\n');
}

export class Output {
  constructor(readonly options: OutputOptions) {}

  /** Prints data: JSON and YAML as the API answered (complete, stable), a table as `render` makes it. */
  data(value: unknown, render: () => string): void {
    if (this.options.format === 'json') process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    else if (this.options.format === 'yaml') process.stdout.write(toYaml(value));
    else if (!this.options.quiet) process.stdout.write(`${render()}\n`);
  }

  /** A message for people (to standard error, so that standard output stays data); --quiet drops it. */
  info(message: string): void {
    if (!this.options.quiet) process.stderr.write(`${message}\n`);
  }

  /** A status word, coloured on a terminal. */
  status(status: string): string {
    if (!this.options.color) return status;
    const colour = /SUCCEEDED|PASSED|LOCKED/.test(status)
      ? 32
      : /FAILED|ABORTED|REJECTED|RESCINDED/.test(status)
        ? 31
        : /PAUSED|WAITING|AWAITING/.test(status)
          ? 33
          : 0;
    return colour ? `\u001b[${colour}m${status}\u001b[0m` : status;
  }
}
