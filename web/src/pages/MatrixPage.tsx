import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useMemo } from 'react';
import { MatrixInstallationsDocument } from '../generated/graphql';
import { DeploymentDrawer } from '../modules/deployment/components/DeploymentDrawer';
import type { Drift } from '../modules/fleet/compare';
import { DriftLegend } from '../modules/fleet/components/DriftLegend';
import { FleetFilterBar } from '../modules/fleet/components/FleetFilterBar';
import { MatrixControls } from '../modules/fleet/components/MatrixControls';
import { ReleasePicker } from '../modules/fleet/components/ReleasePicker';
import { VersionMatrix } from '../modules/fleet/components/VersionMatrix';
import { useFleetFilters } from '../modules/fleet/hooks/useFleetFilters';
import { useInstallationPages } from '../modules/fleet/hooks/useInstallationPages';
import { useMatrixColumns } from '../modules/fleet/hooks/useMatrixColumns';
import { useMatrixExport } from '../modules/fleet/hooks/useMatrixExport';
import { useMatrixQuery } from '../modules/fleet/hooks/useMatrixQuery';
import { useReleaseChoice } from '../modules/fleet/hooks/useReleaseChoice';
import { LoadErrorAlert } from '../modules/ui/LoadErrorAlert';
import { useSearchParam } from '../modules/ui/useSearchParam';
import { plural } from '../modules/ui/format';

const PAGE_SIZE = 50;

const FIELDS = [
  { key: 'tenant', label: 'Tenant', placeholder: 'Tenant slug' },
  { key: 'tenantLabels', label: 'Tenant labels', placeholder: 'region=eu', suggest: 'TENANT' },
  { key: 'labels', label: 'Installation labels', placeholder: 'zone=a', suggest: 'INSTALLATION' },
  { key: 'tier', label: 'Tier' },
] as const;

const LEGEND: Drift[] = ['SAME', 'BEHIND', 'AHEAD', 'NOT_IN_RELEASE', 'MISSING', 'NOT_INSTALLED'];

export default function MatrixPage() {
  const filters = useFleetFilters();
  const choice = useReleaseChoice();
  const [deploymentId, setDeploymentId] = useSearchParam('deployment', { push: true });
  const query = useMatrixQuery(filters.installationFilter, choice.releaseId);
  const installations = useInstallationPages(MatrixInstallationsDocument, query.filter, PAGE_SIZE, query.orderBy);
  const { totalCount } = installations;
  const release = choice.release;
  const allApplications = useMatrixColumns(installations.nodes, release);
  const applications = useMemo(
    () => (query.applications.length ? allApplications.filter((a) => query.applications.includes(a.slug)) : allApplications),
    [allApplications, query.applications],
  );
  const exporter = useMatrixExport(query.filter, query.orderBy, release, query.applications);
  const anyFilter = filters.active || query.active;
  const clearAll = () => {
    filters.clear();
    query.clear();
  };

  return (
    <Stack spacing={2}>
      <title>What runs where · Shiplog</title>
      <Typography variant="h4" component="h1">
        What runs where
      </Typography>
      <FleetFilterBar filters={filters} fields={FIELDS} />
      <Stack direction={{ xs: 'column', md: 'row' }} spacing={2} sx={{ alignItems: { md: 'center' } }}>
        <ReleasePicker choice={choice} />
        <Box sx={{ flexGrow: 1 }} />
        <DriftLegend states={LEGEND} />
      </Stack>
      <MatrixControls
        query={query}
        options={allApplications}
        releaseName={release ? `${release.track.name} ${release.version}` : null}
        onExport={() => void exporter.start()}
        exporting={exporter.busy}
        exported={exporter.loaded}
      />
      {exporter.error && <Alert severity="error">Could not export the matrix: {exporter.error}</Alert>}

      <Typography color="text.secondary" role="status" aria-live="polite">
        {totalCount === undefined
          ? installations.loading
            ? 'Loading installations…'
            : ''
          : `${plural(totalCount, 'installation')} × ${plural(applications.length, 'application')}${release ? `, compared with ${release.track.name} ${release.version}` : ''}`}
      </Typography>
      {choice.settled && !release && choice.tracks.length > 0 && (
        <Alert severity="info">
          {choice.track ? `${choice.track.name} has no locked release yet` : 'No release chosen'}; the cells show the running
          versions without a comparison.
        </Alert>
      )}
      {choice.settled && choice.tracks.length === 0 && (
        <Alert severity="info">There are no release tracks yet; the cells show the running versions without a comparison.</Alert>
      )}
      <Box sx={{ minHeight: 4 }}>
        {(installations.loading || choice.loading) && <LinearProgress aria-label="Loading the matrix" />}
      </Box>

      {installations.error && <LoadErrorAlert what="installations" error={installations.error} onRetry={installations.retry} />}
      {choice.error && <LoadErrorAlert what="the release" error={choice.error} onRetry={choice.retry} />}

      {totalCount === 0 && !installations.error && (
        <Paper variant="outlined" sx={{ p: 4, textAlign: 'center' }}>
          <Typography variant="h6" component="p" gutterBottom>
            {anyFilter ? 'No installations match these filters' : 'No installations yet'}
          </Typography>
          {anyFilter && <Button onClick={clearAll}>Clear filters</Button>}
        </Paper>
      )}
      {!!totalCount && installations.nodes.length > 0 && applications.length === 0 && (
        <Paper variant="outlined" sx={{ p: 4, textAlign: 'center' }}>
          <Typography variant="h6" component="p" gutterBottom>
            Nothing runs on these installations yet
          </Typography>
          <Typography color="text.secondary">Running versions appear here once a rollout or a report puts them there.</Typography>
        </Paper>
      )}

      {installations.nodes.length > 0 && applications.length > 0 && totalCount !== undefined && (
        <VersionMatrix
          // A new filter starts at the top of its list.
          key={JSON.stringify([query.filter, query.orderBy])}
          installations={installations.nodes}
          applications={applications}
          releaseVersions={choice.versions}
          totalCount={totalCount}
          hasMore={installations.hasNextPage}
          onNearEnd={installations.loadMore}
          onOpenDeployment={setDeploymentId}
          busy={installations.stale}
        />
      )}
      {installations.loadMoreError && (
        <LoadErrorAlert
          what="more installations"
          error={installations.loadMoreError}
          onRetry={() => void installations.loadMore(true)}
        />
      )}
      <DeploymentDrawer deploymentId={deploymentId || null} onClose={() => setDeploymentId('')} />
    </Stack>
  );
}
