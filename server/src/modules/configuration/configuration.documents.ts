import { labelProblems, recordToLabels } from '@shiplog/shared';
import { z } from 'zod';
import { badInput } from '../../common/errors';
import { SLUG_PATTERN } from '../../common/validation';
import { DeploymentDriver } from '../tenant/installation.entity';
import { MAX_DRIVER_CONFIG_BYTES } from '../tenant/tenant.inputs';

/** The documents of configuration as code: their shapes, checked with zod so that errors name file, document and field. */

const slug = z
  .string()
  .regex(SLUG_PATTERN, { message: "must be 1-63 lowercase letters, digits or '-', starting and ending with a letter or digit" });
const name = z.string().min(1, { message: 'must not be empty' }).max(200, { message: 'must be at most 200 characters' });
const tierName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,30}$/, { message: 'must be 1-31 lowercase letters, digits or -, starting with a letter' });
const labels = z
  .record(z.string(), z.string({ message: 'label values must be strings (quote them)' }))
  .default({})
  .superRefine((value, context) => {
    const pairs = recordToLabels(value);
    if (pairs.length > 50) context.addIssue({ code: 'custom', message: 'at most 50 labels' });
    for (const problem of labelProblems(pairs)) context.addIssue({ code: 'custom', message: problem });
  });
const description = z.string().max(5000, { message: 'must be at most 5000 characters' }).default('');

export const tierDocument = z
  .object({
    kind: z.literal('Tier'),
    name: tierName,
    rank: z.number().int().min(0),
    requiredTiers: z.array(tierName).default([]),
    requireVerification: z.boolean().default(false),
  })
  .strict();

export const applicationDocument = z.object({ kind: z.literal('Application'), slug, name, description }).strict();

export const releaseTrackDocument = z.object({ kind: z.literal('ReleaseTrack'), slug, name, description }).strict();

export const installationDeclaration = z
  .object({
    slug,
    name,
    tier: tierName,
    labels,
    driver: z.enum(DeploymentDriver).default(DeploymentDriver.SIMULATED),
    driverConfig: z
      .record(z.string(), z.unknown())
      .default({})
      .refine((value) => Buffer.byteLength(JSON.stringify(value), 'utf8') <= MAX_DRIVER_CONFIG_BYTES, {
        message: `must be at most ${MAX_DRIVER_CONFIG_BYTES / 1024} KB as JSON`,
      }),
    requiresApproval: z.boolean().default(false),
    frozen: z.boolean().default(false),
  })
  .strict();

export const tenantDocument = z
  .object({
    kind: z.literal('Tenant'),
    slug,
    name,
    labels,
    contacts: z.array(z.string().max(200)).max(50).default([]),
    blocked: z.boolean().default(false),
    /** Left out: the tenant's installations are not managed by these files. */
    installations: z.array(installationDeclaration).optional(),
  })
  .strict();

const configurationDocument = z.discriminatedUnion('kind', [
  tierDocument,
  applicationDocument,
  releaseTrackDocument,
  tenantDocument,
]);

export type TierDocument = z.infer<typeof tierDocument>;
export type ApplicationDocument = z.infer<typeof applicationDocument>;
export type ReleaseTrackDocument = z.infer<typeof releaseTrackDocument>;
export type TenantDocument = z.infer<typeof tenantDocument>;
export type InstallationDeclaration = z.infer<typeof installationDeclaration>;

/** Where a document came from: the file and its place in it (1 for the first document). */
export interface Source {
  file: string;
  index: number;
}

export const where = (source: Source) => `${source.file}, document ${source.index}`;

export interface ParsedDocuments {
  tiers: (TierDocument & { source: Source })[];
  applications: (ApplicationDocument & { source: Source })[];
  tracks: (ReleaseTrackDocument & { source: Source })[];
  tenants: (TenantDocument & { source: Source })[];
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)),
    '',
  );
}

/** Strings the CLI should have resolved: a document that still carries one would store the placeholder. */
function unresolvedPlaceholders(value: unknown, path: PropertyKey[] = []): string[] {
  if (typeof value === 'string') return /\$\{env:[^}]*\}/.test(value) ? [fieldPath(path)] : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => unresolvedPlaceholders(item, [...path, i]));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => unresolvedPlaceholders(item, [...path, key]));
  }
  return [];
}

/** A problem with one field of one document, as the API reports it. */
export interface DocumentProblem {
  file: string;
  document: number;
  field: string;
  message: string;
}

export function documentError(problems: DocumentProblem[]) {
  const lines = problems.map((p) => `${p.file}, document ${p.document}${p.field ? `, ${p.field}` : ''}: ${p.message}`);
  const shown = lines.slice(0, 100);
  return badInput(problems.length === 1 ? lines[0] : `${problems.length} problems in the configuration, first: ${lines[0]}`, {
    problems: problems.slice(0, 100),
    blockers: shown,
  });
}

/** Checks every document; all problems are reported at once, each naming its file, document and field. */
export function parseDocuments(documents: { file: string; index: number; content: unknown }[]): ParsedDocuments {
  const parsed: ParsedDocuments = { tiers: [], applications: [], tracks: [], tenants: [] };
  const problems: DocumentProblem[] = [];
  for (const { file, index, content } of documents) {
    const source = { file, index };
    if (content === null || content === undefined) continue; // an empty document (a trailing ---)
    for (const field of unresolvedPlaceholders(content)) {
      problems.push({
        file,
        document: index,
        field,
        message: '${env:…} was not resolved; the CLI resolves it from its environment',
      });
    }
    const result = configurationDocument.safeParse(content);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const message =
          issue.path.length === 0 || (issue.path[0] === 'kind' && issue.code === 'invalid_union')
            ? 'kind must be one of Tier, Application, ReleaseTrack, Tenant'
            : issue.message;
        problems.push({ file, document: index, field: fieldPath(issue.path), message });
      }
      continue;
    }
    const document = result.data;
    if (document.kind === 'Tier') parsed.tiers.push({ ...document, source });
    else if (document.kind === 'Application') parsed.applications.push({ ...document, source });
    else if (document.kind === 'ReleaseTrack') parsed.tracks.push({ ...document, source });
    else parsed.tenants.push({ ...document, source });
  }
  const duplicates = (kind: string, items: { key: string; source: Source; field?: string }[]) => {
    const first = new Map<string, Source>();
    for (const item of items) {
      const seen = first.get(item.key);
      if (seen) {
        problems.push({
          file: item.source.file,
          document: item.source.index,
          field: item.field ?? '',
          message: `${kind} '${item.key}' is declared again (first in ${where(seen)})`,
        });
      } else first.set(item.key, item.source);
    }
  };
  duplicates(
    'Tier',
    parsed.tiers.map((t) => ({ key: t.name, source: t.source, field: 'name' })),
  );
  duplicates(
    'Application',
    parsed.applications.map((a) => ({ key: a.slug, source: a.source, field: 'slug' })),
  );
  duplicates(
    'ReleaseTrack',
    parsed.tracks.map((t) => ({ key: t.slug, source: t.source, field: 'slug' })),
  );
  duplicates(
    'Tenant',
    parsed.tenants.map((t) => ({ key: t.slug, source: t.source, field: 'slug' })),
  );
  for (const tenant of parsed.tenants) {
    duplicates(
      'Installation',
      (tenant.installations ?? []).map((i, n) => ({
        key: `${tenant.slug}/${i.slug}`,
        source: tenant.source,
        field: `installations[${n}].slug`,
      })),
    );
  }
  if (problems.length > 0) throw documentError(problems);
  return parsed;
}
