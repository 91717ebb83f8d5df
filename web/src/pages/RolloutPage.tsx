import { useQuery } from '@apollo/client/react';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Breadcrumbs from '@mui/material/Breadcrumbs';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Link from '@mui/material/Link';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { Link as RouterLink, useParams } from 'react-router';
import {
  RolloutTargetsOnNewerReleaseDocument,
  type RolloutLive_RolloutFragment,
  type RolloutTargetStatus,
} from '../generated/graphql';
import { describeError } from '../modules/apollo/errors';
import { useCan, useIsScoped } from '../modules/auth/hooks/useCan';
import { DeploymentDrawer } from '../modules/deployment/components/DeploymentDrawer';
import { ConnectionIndicator } from '../modules/rollout/components/ConnectionIndicator';
import { RollbackDialog } from '../modules/rollout/components/RollbackDialog';
import { RolloutGrid, rolloutStages, targetName } from '../modules/rollout/components/RolloutGrid';
import { RolloutProgressBar } from '../modules/rollout/components/RolloutProgressBar';
import { isRolloutFinished, RolloutStatusChip } from '../modules/rollout/components/RolloutStatusChip';
import { useLiveRollout } from '../modules/rollout/hooks/useLiveRollout';
import { useRolloutActions } from '../modules/rollout/hooks/useRolloutActions';
import { LoadErrorAlert } from '../modules/ui/LoadErrorAlert';
import { FilterChips, useFilterChoice } from '../modules/ui/FilterChips';
import { ReasonDialog } from '../modules/ui/ReasonDialog';
import { useSearchParam } from '../modules/ui/useSearchParam';
import { plural } from '../modules/ui/format';

type Target = RolloutLive_RolloutFragment['targetConnection']['nodes'][number];

const FILTERS: { key: string; label: string; statuses: RolloutTargetStatus[] | null }[] = [
  { key: 'all', label: 'All', statuses: null },
  { key: 'pending', label: 'Yet to trigger', statuses: ['PENDING'] },
  { key: 'ongoing', label: 'Ongoing', statuses: ['RUNNING'] },
  { key: 'approval', label: 'Awaiting approval', statuses: ['AWAITING_APPROVAL'] },
  { key: 'failed', label: 'Failed', statuses: ['FAILED', 'ROLLED_BACK', 'REJECTED'] },
  { key: 'completed', label: 'Completed', statuses: ['SUCCEEDED', 'SKIPPED', 'CANCELLED'] },
  { key: 'excluded', label: 'Excluded', statuses: ['EXCLUDED'] },
];

export default function RolloutPage() {
  const id = useParams().id ?? '';
  const filter = useFilterChoice('show', FILTERS);
  const { data, previousData, loading, error, refetch } = useLiveRollout(id, filter.statuses);
  const actions = useRolloutActions(id, () => void refetch());
  const canControl = useCan('RELEASE_MANAGER');
  const scoped = useIsScoped();
  const [aborting, setAborting] = useState(false);
  const [rejecting, setRejecting] = useState<Target | null>(null);
  const [excluding, setExcluding] = useState<Target | null>(null);
  const [rollingBack, setRollingBack] = useState<Target | null>(null);
  // Opening a deployment adds a history entry, so Back closes the drawer.
  const [openDeployment, setOpenDeployment] = useSearchParam('deployment', { push: true });
  // While another filter loads, the page keeps showing the rollout it has.
  const rollout = (data ?? (previousData?.rollout?.id === id ? previousData : undefined))?.rollout;
  const paused = rollout?.status === 'PAUSED';
  const onNewer = useQuery(RolloutTargetsOnNewerReleaseDocument, {
    variables: { id },
    skip: !paused,
    fetchPolicy: 'cache-and-network',
  });
  const downgrades = paused ? (onNewer.data?.rollout?.pendingTargetsOnNewerRelease ?? []) : [];

  if (!rollout) {
    return (
      <Stack spacing={2}>
        <title>Rollout · Shiplog</title>
        <Typography variant="h4" component="h1">
          Rollout
        </Typography>
        {loading && <LinearProgress aria-label="Loading rollout" />}
        {error && <LoadErrorAlert what="the rollout" error={describeError(error)} onRetry={() => void refetch()} />}
        {data && !rollout && <Alert severity="warning">There is no such rollout.</Alert>}
      </Stack>
    );
  }

  const targets = rollout.targetConnection.nodes;
  const stages = rolloutStages(targets);
  const finished = isRolloutFinished(rollout.status);
  const title = `${rollout.release.track.name} ${rollout.release.version}`;

  return (
    <Stack spacing={3}>
      <title>{`Rollout of ${title} · Shiplog`}</title>
      <Breadcrumbs aria-label="Breadcrumb">
        <Link component={RouterLink} to="/rollouts">
          Rollouts
        </Link>
        <Typography color="text.primary">{title}</Typography>
      </Breadcrumbs>

      <Stack direction={{ xs: 'column', md: 'row' }} spacing={2} sx={{ alignItems: { md: 'flex-start' } }}>
        <Box sx={{ flexGrow: 1 }}>
          <Typography variant="h4" component="h1">
            Rollout of{' '}
            <Link component={RouterLink} to={`/releases/${rollout.release.id}`}>
              {title}
            </Link>
          </Typography>
          <Stack direction="row" spacing={1} sx={{ mt: 1, alignItems: 'center' }}>
            <Box role="group" aria-label="Rollout status" sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
              <RolloutStatusChip status={rollout.status} size="medium" />
              {/* A scoped viewer's counts are of their installations; the status is the whole rollout's. */}
              {scoped && (
                <Typography variant="body2" color="text.secondary">
                  (whole rollout)
                </Typography>
              )}
            </Box>
            <Typography aria-label="Wave">
              Wave {rollout.currentWave} of {rollout.waveCount}
            </Typography>
            <ConnectionIndicator />
          </Stack>
          {rollout.statusReason && (
            <Typography color="text.secondary" sx={{ mt: 1 }}>
              {rollout.statusReason}
            </Typography>
          )}
        </Box>
        {!finished && canControl && (
          <Stack direction="row" spacing={1} sx={{ flexWrap: 'wrap' }}>
            {rollout.status === 'PAUSED' ? (
              <Button variant="outlined" onClick={() => void actions.resume()} disabled={actions.busy}>
                {downgrades.length > 0 ? 'Resume all' : 'Resume'}
              </Button>
            ) : (
              <Button variant="outlined" onClick={() => void actions.pause()} disabled={actions.busy}>
                Pause
              </Button>
            )}
            {rollout.status === 'WAITING_FOR_PROMOTION' && (
              <Button variant="contained" onClick={() => void actions.promote()} disabled={actions.busy}>
                Promote next wave
              </Button>
            )}
            <Button color="error" variant="outlined" onClick={() => setAborting(true)} disabled={actions.busy}>
              Abort
            </Button>
          </Stack>
        )}
      </Stack>

      <RolloutProgressBar progress={rollout.progress} label="Rollout progress" yours={scoped} />

      {downgrades.length > 0 && (
        <Alert
          severity="warning"
          role="region"
          aria-label="Waiting installations on a newer release"
          action={
            canControl && (
              <Button
                color="inherit"
                size="small"
                onClick={() => void actions.resume(downgrades.map((d) => d.target.id))}
                disabled={actions.busy}
              >
                Resume without them
              </Button>
            )
          }
        >
          <AlertTitle>
            Resuming would take {plural(downgrades.length, 'installation')} back to {rollout.release.version}
          </AlertTitle>
          They have not started in this rollout and already run a newer release:
          <Box component="ul" sx={{ m: 0, pl: 2.5 }}>
            {downgrades.map(({ target, newerRelease }) => (
              <li key={target.id}>
                {target.installation.tenant.slug} / {target.installation.slug} runs {newerRelease.version}
              </li>
            ))}
          </Box>
        </Alert>
      )}

      {actions.failure && (
        <Alert severity="error" role="alert">
          {actions.failure}
        </Alert>
      )}
      {actions.notice && (
        <Alert severity="info" role="status">
          {actions.notice}
        </Alert>
      )}

      <FilterChips label="Show installations" param="show" choices={FILTERS} />

      {rollout.targetConnection.totalCount > targets.length && (
        <Typography color="text.secondary" role="note">
          Showing the first {targets.length} of {plural(rollout.targetConnection.totalCount, 'installation')}; choose a status
          above to narrow them down.
        </Typography>
      )}
      {targets.length === 0 ? (
        <Typography color="text.secondary">No installations match.</Typography>
      ) : (
        <RolloutGrid
          targets={targets}
          stages={stages}
          onOpenDeployment={setOpenDeployment}
          actions={{
            allowed: canControl,
            busy: actions.targetBusy,
            rolloutPaused: rollout.status === 'PAUSED',
            onRetry: (target, resume) => void actions.retry(target.id, targetName(target), resume),
            onApprove: (target) => void actions.approve(target.id),
            onReject: setRejecting,
            onExclude: setExcluding,
            onRollback: setRollingBack,
          }}
        />
      )}

      <ReasonDialog
        open={aborting}
        title="Abort rollout"
        description="Installations not yet deploying are cancelled; deployments already sent finish or are cancelled."
        confirmLabel="Abort rollout"
        onClose={() => setAborting(false)}
        onConfirm={(reason) => {
          setAborting(false);
          void actions.abort(reason);
        }}
      />
      <ReasonDialog
        open={rejecting !== null}
        title={rejecting ? `Reject ${targetName(rejecting)}` : 'Reject'}
        description="The installation is left out of this rollout."
        confirmLabel="Reject"
        onClose={() => setRejecting(null)}
        onConfirm={(reason) => {
          if (rejecting) void actions.reject(rejecting.id, reason);
          setRejecting(null);
        }}
      />
      <ReasonDialog
        open={excluding !== null}
        title={excluding ? `Exclude ${targetName(excluding)}` : 'Exclude'}
        description="The installation is left out of this rollout: nothing more is deployed there by it. Resume the rollout afterwards to go on with the others."
        confirmLabel="Exclude"
        onClose={() => setExcluding(null)}
        onConfirm={(reason) => {
          if (excluding) void actions.exclude(excluding.id, targetName(excluding), reason);
          setExcluding(null);
        }}
      />
      <RollbackDialog
        installationName={rollingBack ? targetName(rollingBack) : null}
        running={rollingBack?.installation.running ?? []}
        onClose={() => setRollingBack(null)}
        onConfirm={(applicationSlugs, reason) =>
          rollingBack
            ? actions.rollback(rollingBack.installation.id, targetName(rollingBack), applicationSlugs, reason)
            : Promise.resolve()
        }
      />
      <DeploymentDrawer deploymentId={openDeployment || null} onClose={() => setOpenDeployment('')} />
    </Stack>
  );
}
