import type { MatrixApplication } from './components/VersionMatrix';

interface CsvInstallation {
  slug: string;
  tenant: { slug: string };
  tier: { name: string };
  running: readonly { application: { id: string }; artifact: { version: string } }[];
}

/**
 * One field as RFC 4180 wants it; text a spreadsheet would run as a formula (=, +, -, @ first) gets a leading
 * apostrophe, since tenant and installation names come from people.
 */
function field(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The matrix as CSV: tenant, installation, tier, then the running version per application (empty: nothing). */
export function matrixCsv(installations: readonly CsvInstallation[], applications: readonly MatrixApplication[]): string {
  const header = ['Tenant', 'Installation', 'Tier', ...applications.map((application) => application.name)];
  const rows = installations.map((installation) => {
    const running = new Map(installation.running.map((entry) => [entry.application.id, entry.artifact.version]));
    return [
      installation.tenant.slug,
      installation.slug,
      installation.tier.name,
      ...applications.map((application) => running.get(application.id) ?? ''),
    ];
  });
  return [header, ...rows].map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}
