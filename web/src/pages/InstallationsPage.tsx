import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useMemo } from 'react';
import { FleetInstallationsDocument } from '../generated/graphql';
import { ArchiveControl } from '../modules/archive/components/ArchiveControl';
import { ShowArchivedSwitch, useShowArchived } from '../modules/archive/components/ShowArchivedSwitch';
import { useCan } from '../modules/auth/hooks/useCan';
import { FleetFilterBar } from '../modules/fleet/components/FleetFilterBar';
import { InstallationList } from '../modules/fleet/components/InstallationList';
import { useFleetFilters } from '../modules/fleet/hooks/useFleetFilters';
import { useInstallationPages } from '../modules/fleet/hooks/useInstallationPages';
import { LoadErrorAlert } from '../modules/ui/LoadErrorAlert';
import { plural } from '../modules/ui/format';

const PAGE_SIZE = 100;

const FIELDS = [
  { key: 'search', label: 'Search installations', placeholder: 'Installation or tenant' },
  { key: 'tenantLabels', label: 'Tenant labels', placeholder: 'region=eu', suggest: 'TENANT' },
  { key: 'labels', label: 'Installation labels', placeholder: 'zone=a', suggest: 'INSTALLATION' },
  { key: 'tier', label: 'Tier' },
  { key: 'blocked', label: 'Tenant state' },
] as const;

export default function InstallationsPage() {
  const filters = useFleetFilters();
  const [showArchived, setShowArchived] = useShowArchived();
  const canArchive = useCan('RELEASE_MANAGER');
  const filter = useMemo(
    () => (showArchived ? { ...filters.installationFilter, includeArchived: true } : filters.installationFilter),
    [showArchived, filters.installationFilter],
  );
  const installations = useInstallationPages(FleetInstallationsDocument, filter, PAGE_SIZE);
  const { totalCount } = installations;

  return (
    <Stack spacing={2}>
      <title>Installations · Shiplog</title>
      <Typography variant="h4" component="h1">
        Installations
      </Typography>
      <FleetFilterBar filters={filters} fields={FIELDS} />
      <ShowArchivedSwitch value={showArchived} onChange={setShowArchived} />

      <Typography color="text.secondary" role="status" aria-live="polite">
        {totalCount === undefined
          ? installations.loading
            ? 'Loading installations…'
            : ''
          : `${plural(totalCount, 'installation')}${filters.active ? ' match the filters' : ''}`}
      </Typography>
      <Box sx={{ minHeight: 4 }}>{installations.loading && <LinearProgress aria-label="Loading installations" />}</Box>

      {installations.error && <LoadErrorAlert what="installations" error={installations.error} onRetry={installations.retry} />}

      {totalCount === 0 && !installations.error && (
        <Paper variant="outlined" sx={{ p: 4, textAlign: 'center' }}>
          <Typography variant="h6" component="p" gutterBottom>
            {filters.active ? 'No installations match these filters' : 'No installations yet'}
          </Typography>
          {filters.active ? (
            <Button onClick={filters.clear}>Clear filters</Button>
          ) : (
            <Typography color="text.secondary">Installations appear here once they are added to a tenant.</Typography>
          )}
        </Paper>
      )}

      {installations.nodes.length > 0 && totalCount !== undefined && (
        <InstallationList
          // A new filter starts at the top of its list.
          key={JSON.stringify(filter)}
          installations={installations.nodes}
          totalCount={totalCount}
          hasMore={installations.hasNextPage}
          onNearEnd={installations.loadMore}
          busy={installations.stale}
          actions={
            canArchive
              ? (installation) =>
                  // An installation of an archived tenant comes back with its tenant.
                  installation.tenant.archivedAt && !installation.archivedAt ? null : (
                    <ArchiveControl
                      subject={{ kind: 'installation', tenantSlug: installation.tenant.slug, slug: installation.slug }}
                      archived={!!installation.archivedAt}
                    />
                  )
              : undefined
          }
        />
      )}
      {installations.loadMoreError && (
        <LoadErrorAlert
          what="more installations"
          error={installations.loadMoreError}
          onRetry={() => void installations.loadMore(true)}
        />
      )}
    </Stack>
  );
}
