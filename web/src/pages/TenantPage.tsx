import { useQuery } from '@apollo/client/react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Breadcrumbs from '@mui/material/Breadcrumbs';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import LinearProgress from '@mui/material/LinearProgress';
import Link from '@mui/material/Link';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { Link as RouterLink, useParams } from 'react-router';
import { TenantDetailDocument } from '../generated/graphql';
import { describeError } from '../modules/apollo/errors';
import { ArchiveControl } from '../modules/archive/components/ArchiveControl';
import { useCan } from '../modules/auth/hooks/useCan';
import { DeploymentDrawer } from '../modules/deployment/components/DeploymentDrawer';
import { DRIFT_WORD, type Drift } from '../modules/fleet/compare';
import { DriftLegend } from '../modules/fleet/components/DriftLegend';
import { InstallationVersions } from '../modules/fleet/components/InstallationVersions';
import { LabelChips } from '../modules/fleet/components/LabelChips';
import { ReleasePicker } from '../modules/fleet/components/ReleasePicker';
import { TenantHistory } from '../modules/fleet/components/TenantHistory';
import { useReleaseChoice } from '../modules/fleet/hooks/useReleaseChoice';
import { LoadErrorAlert } from '../modules/ui/LoadErrorAlert';
import { useSearchParam } from '../modules/ui/useSearchParam';

const PAGE_SIZE = 25;
const LEGEND: Drift[] = ['SAME', 'BEHIND', 'AHEAD', 'MISSING', 'NOT_IN_RELEASE'];

export default function TenantPage() {
  const { slug = '' } = useParams();
  const choice = useReleaseChoice({ pinnable: false });
  const [deploymentId, setDeploymentId] = useSearchParam('deployment', { push: true });
  const { data, previousData, loading, error, refetch, fetchMore } = useQuery(TenantDetailDocument, {
    variables: { slug, first: PAGE_SIZE, track: choice.trackSlug, withTrack: !!choice.trackSlug },
    notifyOnNetworkStatusChange: true,
  });
  const [moreError, setMoreError] = useState<string | null>(null);
  const canArchive = useCan('ADMIN', { everyTenant: true });
  // A new track keeps the tenant on screen while its matches load.
  const shown = data ?? (loading ? previousData : undefined);
  const tenant = shown?.tenant?.slug === slug ? shown.tenant : shown && !shown.tenant ? null : undefined;
  const release = choice.release;
  const trackName = choice.track?.name;

  const loadMore = async () => {
    setMoreError(null);
    try {
      await fetchMore({ variables: { after: tenant?.installations.pageInfo.endCursor } });
    } catch (caught) {
      setMoreError(describeError(caught));
    }
  };

  return (
    <Stack spacing={2}>
      <title>{`${tenant?.name ?? slug} · Tenants · Shiplog`}</title>
      <Breadcrumbs aria-label="Breadcrumb">
        <Link component={RouterLink} to="/tenants">
          Tenants
        </Link>
        <Typography color="text.primary">{slug}</Typography>
      </Breadcrumbs>
      <Box sx={{ minHeight: 4 }}>{loading && <LinearProgress aria-label="Loading tenant" />}</Box>
      {error && <LoadErrorAlert what="the tenant" error={describeError(error)} onRetry={() => void refetch()} />}

      {tenant === null && (
        <Stack spacing={2} sx={{ alignItems: 'flex-start' }}>
          <Typography variant="h4" component="h1">
            Tenant not found
          </Typography>
          <Typography color="text.secondary">There is no tenant “{slug}”, or you may not see it.</Typography>
          <Button component={RouterLink} to="/tenants" variant="contained">
            Go to tenants
          </Button>
        </Stack>
      )}

      {tenant && (
        <>
          <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ alignItems: { sm: 'center' } }}>
            <Typography variant="h4" component="h1" sx={{ flexGrow: 1 }}>
              {tenant.name}{' '}
              <Typography component="span" variant="h6" color="text.secondary">
                {tenant.slug}
              </Typography>
            </Typography>
            {tenant.archivedAt ? (
              <Chip label="Archived: left out of lists, selectors and rollouts" />
            ) : tenant.blocked ? (
              <Chip label="Blocked: no rollout touches this tenant" color="error" />
            ) : (
              <Chip label="Active" color="success" variant="outlined" />
            )}
            {canArchive && (
              <ArchiveControl subject={{ kind: 'tenant', slug: tenant.slug }} archived={!!tenant.archivedAt} size="medium" />
            )}
          </Stack>
          <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }} aria-label="Tenant labels" role="group">
            <Typography variant="body2" color="text.secondary">
              Labels
            </Typography>
            <LabelChips labels={tenant.labels} wrap />
          </Stack>
          {tenant.contacts.length > 0 && (
            <Typography variant="body2" color="text.secondary">
              Contacts: {tenant.contacts.join(', ')}
            </Typography>
          )}

          <Typography variant="h5" component="h2">
            Installations ({tenant.installations.totalCount})
          </Typography>
          <Stack direction={{ xs: 'column', md: 'row' }} spacing={2} sx={{ alignItems: { md: 'center' } }}>
            <ReleasePicker choice={choice} pinnable={false} />
            <Typography variant="body2" role="status" sx={{ flexGrow: 1 }}>
              {release
                ? `Drift from ${release.track.name} ${release.version}, its latest locked release`
                : choice.settled
                  ? choice.track
                    ? `${choice.track.name} has no locked release yet, so there is no drift to show`
                    : 'There are no release tracks to compare with'
                  : ''}
            </Typography>
          </Stack>
          {release && <DriftLegend states={LEGEND} title="Drift legend" words={DRIFT_WORD} />}
          {choice.error && <LoadErrorAlert what="the release" error={choice.error} onRetry={choice.retry} />}

          {tenant.installations.nodes.length === 0 && <Alert severity="info">This tenant has no installations yet.</Alert>}
          {tenant.installations.nodes.map((installation) => (
            <InstallationVersions
              key={installation.id}
              installation={installation}
              matchingRelease={choice.trackSlug ? (installation.matchingRelease ?? null) : undefined}
              trackName={trackName}
              release={
                release ? { trackName: release.track.name, version: release.version, components: release.components } : null
              }
              onOpenDeployment={setDeploymentId}
            />
          ))}
          {moreError && <LoadErrorAlert what="more installations" error={moreError} onRetry={() => void loadMore()} />}
          {tenant.installations.pageInfo.hasNextPage && (
            <Button variant="outlined" onClick={() => void loadMore()} disabled={loading} sx={{ alignSelf: 'center' }}>
              More installations
            </Button>
          )}

          <Typography variant="h5" component="h2">
            History
          </Typography>
          <TenantHistory tenantSlug={tenant.slug} onOpenDeployment={setDeploymentId} />
        </>
      )}
      <DeploymentDrawer deploymentId={deploymentId || null} onClose={() => setDeploymentId('')} />
    </Stack>
  );
}
