import { useQuery } from '@apollo/client/react';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useMemo } from 'react';
import {
  InstallationNameDocument,
  ReleaseNameDocument,
  TenantInstallationsDocument,
  type DeploymentFilter,
  type DeploymentStatus,
} from '../generated/graphql';
import { DeploymentDrawer } from '../modules/deployment/components/DeploymentDrawer';
import { deploymentStatusLabel } from '../modules/deployment/components/DeploymentStatusChip';
import { DeploymentTable } from '../modules/deployment/components/DeploymentTable';
import { useDeployments } from '../modules/deployment/hooks/useDeployments';
import { DateRangeFields } from '../modules/ui/DateRangeFields';
import { DebouncedSearchField } from '../modules/ui/DebouncedSearchField';
import { PagedListFrame } from '../modules/ui/PagedListFrame';
import { endOfDay, parseDay, startOfDay, useUrlParams } from '../modules/ui/searchParams';

const STATUSES: DeploymentStatus[] = ['QUEUED', 'IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'SKIPPED', 'CANCELLED'];
const FILTER_KEYS = ['app', 'version', 'tenant', 'installation', 'status', 'from', 'to', 'release', 'tier'];
const FIELD_SX = { width: { xs: '100%', sm: 180 } };

function parseStatus(value: string | null): DeploymentStatus | null {
  return STATUSES.find((status) => status === value) ?? null;
}

function InstallationChip({ id, onDelete }: { id: string; onDelete: () => void }) {
  const { data } = useQuery(InstallationNameDocument, { variables: { id } });
  const installation = data?.installation;
  const label = installation ? `${installation.tenant.name} / ${installation.name}` : data ? 'an unknown installation' : '…';
  return <Chip label={`Installation: ${label}`} onDelete={onDelete} aria-label={`Installation filter: ${label}`} />;
}

/** Deployments of one release's rollouts, as linked from a promotion rule the release does not meet yet. */
function ReleaseChip({ id, onDelete }: { id: string; onDelete: () => void }) {
  const { data } = useQuery(ReleaseNameDocument, { variables: { id } });
  const release = data?.release;
  const label = release ? `${release.track.name} ${release.version}` : data ? 'an unknown release' : '…';
  return <Chip label={`Release: ${label}`} onDelete={onDelete} aria-label={`Release filter: ${label}`} />;
}

/** The installations of the chosen tenant; without a tenant there is nothing to choose from. */
function InstallationSelect({
  tenantSlug,
  value,
  onChange,
}: {
  tenantSlug: string | null;
  value: string | null;
  onChange: (id: string | null) => void;
}) {
  const { data, loading } = useQuery(TenantInstallationsDocument, {
    variables: { slug: tenantSlug ?? '' },
    skip: !tenantSlug,
  });
  const installations = data?.tenant?.installations.nodes ?? [];
  const known = !value || installations.some((installation) => installation.id === value);
  return (
    <TextField
      select
      size="small"
      label="Installation"
      value={known ? (value ?? '') : ''}
      disabled={!tenantSlug || loading}
      helperText={tenantSlug ? undefined : 'Choose a tenant first'}
      // The hint explains the disabled field, so it reads as text, not greyed out with it.
      slotProps={{ formHelperText: { disabled: false } }}
      onChange={(event) => onChange(event.target.value || null)}
      sx={FIELD_SX}
    >
      <MenuItem value="">Any installation</MenuItem>
      {installations.map((installation) => (
        <MenuItem key={installation.id} value={installation.id}>
          {installation.name} ({installation.slug})
        </MenuItem>
      ))}
    </TextField>
  );
}

export default function DeploymentsPage() {
  const { get, set } = useUrlParams();
  const application = get('app');
  const version = get('version');
  const tenant = get('tenant');
  const installationId = get('installation');
  const status = parseStatus(get('status'));
  const from = parseDay(get('from'));
  const to = parseDay(get('to'));
  const open = get('deployment');
  const releaseId = get('release');
  const tier = get('tier');

  const filter = useMemo<DeploymentFilter>(
    () => ({
      applicationSlug: application,
      version,
      tenantSlug: tenant,
      installationId,
      status,
      releaseId,
      tier,
      since: from ? startOfDay(from) : null,
      until: to ? endOfDay(to) : null,
    }),
    [application, version, tenant, installationId, status, releaseId, tier, from, to],
  );
  const ledger = useDeployments(filter);
  const filtered = FILTER_KEYS.some((key) => get(key) !== null);
  const clearFilters = () => set(Object.fromEntries(FILTER_KEYS.map((key) => [key, null])));

  return (
    <Stack spacing={2}>
      <title>Deployments · Shiplog</title>
      <Typography variant="h4" component="h1">
        Deployments
      </Typography>

      <Stack
        component="form"
        role="search"
        aria-label="Filter deployments"
        direction="row"
        onSubmit={(event) => event.preventDefault()}
        sx={{ flexWrap: 'wrap', gap: 1.5, alignItems: 'center' }}
      >
        <DebouncedSearchField
          label="Application"
          placeholder="Name or slug, e.g. api"
          value={application ?? ''}
          onSearch={(value) => set({ app: value })}
          sx={FIELD_SX}
        />
        <DebouncedSearchField label="Version" value={version ?? ''} onSearch={(value) => set({ version: value })} sx={FIELD_SX} />
        <DebouncedSearchField
          label="Tenant"
          placeholder="Slug"
          value={tenant ?? ''}
          onSearch={(value) => set({ tenant: value, installation: null })}
          sx={FIELD_SX}
        />
        <InstallationSelect tenantSlug={tenant} value={installationId} onChange={(id) => set({ installation: id })} />
        <TextField
          select
          size="small"
          label="Status"
          value={status ?? ''}
          onChange={(event) => set({ status: parseStatus(event.target.value) })}
          sx={FIELD_SX}
        >
          <MenuItem value="">Any status</MenuItem>
          {STATUSES.map((value) => (
            <MenuItem key={value} value={value}>
              {deploymentStatusLabel(value)}
            </MenuItem>
          ))}
        </TextField>
        <DateRangeFields what="Queued" from={from} to={to} onChange={(range) => set(range)} />
        {/* Chosen from a row of another tenant (or with no tenant), the installation shows as a chip instead. */}
        {installationId && !tenant && <InstallationChip id={installationId} onDelete={() => set({ installation: null })} />}
        {releaseId && <ReleaseChip id={releaseId} onDelete={() => set({ release: null })} />}
        {tier && <Chip label={`Tier: ${tier}`} onDelete={() => set({ tier: null })} aria-label={`Tier filter: ${tier}`} />}
        {filtered && (
          <Button onClick={clearFilters} size="small">
            Clear filters
          </Button>
        )}
      </Stack>

      <PagedListFrame
        list={ledger}
        noun={['deployment', 'deployments']}
        filtered={filtered}
        onClearFilters={clearFilters}
        emptyHint="Every deployment of a rollout or rollback is recorded here."
      >
        <DeploymentTable
          deployments={ledger.deployments}
          busy={ledger.stale}
          onOpen={(id) => set({ deployment: id }, { replace: false })}
          onInstallation={({ id, tenantSlug }) => set({ tenant: tenantSlug, installation: id })}
        />
      </PagedListFrame>

      <DeploymentDrawer deploymentId={open} onClose={() => set({ deployment: null })} />
    </Stack>
  );
}
