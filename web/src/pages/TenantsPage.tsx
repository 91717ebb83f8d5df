import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { TenantTable } from '../modules/tenant/components/TenantTable';
import { useTenants } from '../modules/tenant/hooks/useTenants';
import { FleetFilterBar } from '../modules/fleet/components/FleetFilterBar';
import { useFleetFilters } from '../modules/fleet/hooks/useFleetFilters';
import { useMemo } from 'react';
import { ArchiveControl } from '../modules/archive/components/ArchiveControl';
import { ShowArchivedSwitch, useShowArchived } from '../modules/archive/components/ShowArchivedSwitch';
import { useCan } from '../modules/auth/hooks/useCan';
import { LoadErrorAlert } from '../modules/ui/LoadErrorAlert';
import { plural } from '../modules/ui/format';

const FIELDS = [
  { key: 'search', label: 'Search tenants', placeholder: 'Slug or name' },
  { key: 'labels', label: 'Labels', placeholder: 'region=eu', suggest: 'TENANT' },
  { key: 'tier', label: 'Has a tier' },
  { key: 'blocked', label: 'Status' },
] as const;

const STATUS_WORDS = { any: 'Any status', yes: 'Blocked', no: 'Active' };

function countText(count: number, search: string, otherFilters: boolean): string {
  const counted = plural(count, 'tenant');
  if (otherFilters) return `${counted} match the filters`;
  return search ? `${counted} match “${search}”` : counted;
}

export default function TenantsPage() {
  const filters = useFleetFilters();
  const { search } = filters.values;
  const otherFilters = !!(filters.values.labels || filters.values.tier || filters.values.blocked);
  const [showArchived, setShowArchived] = useShowArchived();
  const canArchive = useCan('ADMIN', { everyTenant: true });
  const tenantFilter = useMemo(
    () => (showArchived ? { ...filters.tenantFilter, includeArchived: true } : filters.tenantFilter),
    [showArchived, filters.tenantFilter],
  );
  const tenants = useTenants(tenantFilter);
  const setSearch = (next: string) => filters.set('search', next);

  const { totalCount } = tenants;
  const showing = tenants.tenants.length;

  return (
    <Stack spacing={2}>
      <title>Tenants · Shiplog</title>
      <Typography variant="h4" component="h1">
        Tenants
      </Typography>
      <FleetFilterBar filters={filters} fields={FIELDS} blockedWords={STATUS_WORDS} />
      <ShowArchivedSwitch value={showArchived} onChange={setShowArchived} />

      <Typography color="text.secondary" role="status" aria-live="polite">
        {totalCount === undefined ? (tenants.loading ? 'Loading tenants…' : '') : countText(totalCount, search, otherFilters)}
      </Typography>

      <Box sx={{ minHeight: 4 }}>{tenants.loading && <LinearProgress aria-label="Loading tenants" />}</Box>

      {tenants.error && <LoadErrorAlert what="tenants" error={tenants.error} onRetry={tenants.retry} />}

      {totalCount === 0 && !tenants.error && (
        <Paper variant="outlined" sx={{ p: 4, textAlign: 'center' }}>
          <Typography variant="h6" component="p" gutterBottom>
            {otherFilters ? 'No tenants match these filters' : search ? `No tenants match “${search}”` : 'No tenants yet'}
          </Typography>
          {otherFilters ? (
            <Button onClick={filters.clear}>Clear filters</Button>
          ) : search ? (
            <Button onClick={() => setSearch('')}>Clear search</Button>
          ) : (
            <Typography color="text.secondary">Tenants appear here once an admin creates them.</Typography>
          )}
        </Paper>
      )}

      {showing > 0 && (
        <TenantTable
          tenants={tenants.tenants}
          busy={tenants.stale}
          actions={
            canArchive
              ? (tenant) => <ArchiveControl subject={{ kind: 'tenant', slug: tenant.slug }} archived={!!tenant.archivedAt} />
              : undefined
          }
        />
      )}

      {tenants.loadMoreError && <Alert severity="error">Could not load more tenants: {tenants.loadMoreError}</Alert>}

      {showing > 0 && totalCount !== undefined && (
        <Stack direction="row" spacing={2} sx={{ alignItems: 'center', justifyContent: 'space-between' }}>
          <Typography variant="body2" color="text.secondary">
            Showing {showing} of {totalCount}
          </Typography>
          {tenants.hasNextPage && (
            <Button variant="outlined" onClick={() => void tenants.loadMore()} disabled={tenants.loadingMore}>
              {tenants.loadingMore ? 'Loading…' : 'Load more'}
            </Button>
          )}
        </Stack>
      )}
    </Stack>
  );
}
