export interface LabelPair {
  key: string;
  value: string;
}

export const LABEL_KEY_PATTERN = /^[a-z0-9]([a-z0-9._/-]{0,61}[a-z0-9])?$/;
export const LABEL_VALUE_PATTERN = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;

/** Returns the problems with a list of labels, one message each; an empty list means the labels are valid. */
export function labelProblems(labels: readonly LabelPair[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const { key, value } of labels) {
    if (!LABEL_KEY_PATTERN.test(key)) {
      problems.push(
        `label key '${key}' must be 1-63 lowercase letters, digits, '.', '_', '/' or '-', starting and ending with a letter or digit`,
      );
    }
    if (!LABEL_VALUE_PATTERN.test(value)) {
      problems.push(
        `label '${key}' has value '${value}': use 1-63 letters, digits, '.', '_' or '-', starting and ending with a letter or digit`,
      );
    }
    if (seen.has(key)) problems.push(`label key '${key}' is given more than once`);
    seen.add(key);
  }
  return problems;
}

export function labelsToRecord(labels: readonly LabelPair[]): Record<string, string> {
  return Object.fromEntries(labels.map(({ key, value }) => [key, value]));
}

export function recordToLabels(record: Record<string, string>): LabelPair[] {
  return Object.keys(record)
    .sort()
    .map((key) => ({ key, value: record[key] }));
}

/** Parses `key=value` text as people write it in filters and on the command line. */
export function parseLabelSelector(text: string): LabelPair[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const at = part.indexOf('=');
      if (at <= 0) throw new Error(`'${part}' is not a key=value label`);
      return { key: part.slice(0, at).trim(), value: part.slice(at + 1).trim() };
    });
}
