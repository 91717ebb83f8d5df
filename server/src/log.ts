/* Structured enough for people and grep: one line per message, errors with their stack. */
type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };
let threshold: Level = 'info';

function write(level: Level, message: string, detail?: unknown) {
  if (order[level] < order[threshold]) return;
  const suffix =
    detail instanceof Error ? `\n${detail.stack ?? detail.message}` : detail !== undefined ? ` ${JSON.stringify(detail)}` : '';
  const line = `${new Date().toISOString()} ${level.toUpperCase()} ${message}${suffix}`;
  (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(`${line}\n`);
}

export const log = {
  setLevel(level: Level) {
    threshold = level;
  },
  debug: (message: string, detail?: unknown) => write('debug', message, detail),
  info: (message: string, detail?: unknown) => write('info', message, detail),
  warn: (message: string, detail?: unknown) => write('warn', message, detail),
  error: (message: string, detail?: unknown) => write('error', message, detail),
};
