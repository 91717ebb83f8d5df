/* eslint-disable @typescript-eslint/no-unsafe-member-access -- the plan is printed as the API answered it (Json). */
import fs from 'node:fs';
import path from 'node:path';
import { Document, isScalar, parseAllDocuments, visit } from 'yaml';
import { CliError, EXIT } from './exit-codes';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface ConfigurationDocument {
  file: string;
  index: number;
  content: unknown;
}

const ENV_REFERENCE = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The YAML files named: files as given, directories by their *.yaml and *.yml files (sorted, not recursive). */
function filesOf(paths: string[]): string[] {
  return paths.flatMap((given) => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(given);
    } catch {
      throw new CliError(`${given}: no such file or directory`, EXIT.USAGE);
    }
    if (!stat.isDirectory()) return [given];
    const files = fs
      .readdirSync(given)
      .filter((name) => /\.ya?ml$/.test(name))
      .sort()
      .map((name) => path.join(given, name));
    if (files.length === 0) throw new CliError(`${given}: no *.yaml or *.yml files`, EXIT.USAGE);
    return files;
  });
}

function fieldPath(parts: (string | number)[]): string {
  return parts.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${key}` : key), '');
}

/** Replaces ${env:NAME} from the environment; a variable that is not set is a usage error naming file and field. */
function resolveEnv(value: unknown, where: string, parts: (string | number)[] = []): unknown {
  if (typeof value === 'string') {
    return value.replace(ENV_REFERENCE, (_, name: string) => {
      const found = process.env[name];
      if (found === undefined) {
        throw new CliError(`${where}, ${fieldPath(parts)}: the environment variable ${name} is not set`, EXIT.USAGE);
      }
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => resolveEnv(item, where, [...parts, i]));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveEnv(item, where, [...parts, key])]));
  }
  return value;
}

/** Every document of the files (one or many per file), with ${env:NAME} resolved; bad YAML is a usage error. */
export function readDocuments(paths: string[]): ConfigurationDocument[] {
  const documents: ConfigurationDocument[] = [];
  for (const file of filesOf(paths)) {
    const parsed = parseAllDocuments(fs.readFileSync(file, 'utf8'));
    const list = Array.isArray(parsed) ? parsed : [parsed];
    list.forEach((document, n) => {
      const where = `${file}, document ${n + 1}`;
      const [error] = document.errors;
      if (error) throw new CliError(`${where}: ${error.message.split('\n')[0]}`, EXIT.USAGE);
      const content: unknown = document.toJS();
      if (content === null || content === undefined) return;
      documents.push({ file, index: n + 1, content: resolveEnv(content, where) });
    });
  }
  if (documents.length === 0) throw new CliError('The files hold no documents', EXIT.USAGE);
  return documents;
}

const KIND_NAMES: Record<string, string> = {
  TIER: 'tier',
  APPLICATION: 'application',
  RELEASE_TRACK: 'release track',
  TENANT: 'tenant',
  INSTALLATION: 'installation',
};

/** The plan as people read it: + create, ~ update (field: before → after), - archive, and what stays. */
export function renderPlan(plan: Json, applied: boolean): string {
  const lines: string[] = [];
  const totals = { creates: 0, updates: 0, archives: 0, unchanged: 0 };
  for (const kind of plan.kinds as Json[]) {
    const name = KIND_NAMES[kind.kind as string] ?? String(kind.kind).toLowerCase();
    for (const change of kind.creates as Json[]) lines.push(`+ ${name} ${change.key}`);
    for (const change of kind.updates as Json[]) {
      lines.push(`~ ${name} ${change.key}`);
      for (const field of change.fields as Json[])
        lines.push(`    ${field.field}: ${field.before ?? '-'} → ${field.after ?? '-'}`);
    }
    for (const change of kind.archives as Json[]) lines.push(`- ${name} ${change.key} (archive)`);
    totals.creates += kind.creates.length;
    totals.updates += kind.updates.length;
    totals.archives += kind.archives.length;
    totals.unchanged += kind.unchangedCount;
  }
  const verb = applied ? ['created', 'updated', 'archived'] : ['to create', 'to update', 'to archive'];
  const summary =
    plan.changeCount === 0
      ? `No changes: ${totals.unchanged} objects are as declared.`
      : `${applied ? 'Applied' : 'Plan'}: ${totals.creates} ${verb[0]}, ${totals.updates} ${verb[1]}, ${totals.archives} ${verb[2]}, ${totals.unchanged} unchanged.${
          applied && plan.changeSetId ? ` Change set ${plan.changeSetId}.` : ''
        }`;
  return [...lines, summary].join('\n');
}

const SECRET_COMMENT = ' secret kept on the server; to change it write ${env:NAME}';

/** One document as YAML, a stored secret (read back as ********) marked with a comment. */
function documentYaml(content: unknown): string {
  const document = new Document(content);
  visit(document, {
    Pair(_, pair) {
      if (isScalar(pair.value) && typeof pair.value.value === 'string' && pair.value.value.includes('********')) {
        pair.value.comment = SECRET_COMMENT;
      }
    },
  });
  return document.toString({ lineWidth: 0 });
}

export function configurationYaml(documents: unknown[]): string {
  return documents.map(documentYaml).join('---\n');
}

/** Writes the export: one file, or a directory with a file per kind. Returns the files written. */
export function writeExport(documents: Json[], to: string): string[] {
  const isFile = /\.ya?ml$/.test(to);
  if (isFile) {
    fs.mkdirSync(path.dirname(path.resolve(to)), { recursive: true });
    fs.writeFileSync(to, configurationYaml(documents));
    return [to];
  }
  fs.mkdirSync(to, { recursive: true });
  const written: string[] = [];
  for (const [kind, file] of [
    ['Tier', 'tiers.yaml'],
    ['Application', 'applications.yaml'],
    ['ReleaseTrack', 'release-tracks.yaml'],
    ['Tenant', 'tenants.yaml'],
  ]) {
    const ofKind = documents.filter((d) => d.kind === kind);
    if (ofKind.length === 0) continue;
    const target = path.join(to, file);
    fs.writeFileSync(target, configurationYaml(ofKind));
    written.push(target);
  }
  return written;
}
