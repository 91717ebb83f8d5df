import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Link from '@mui/material/Link';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { Link as RouterLink } from 'react-router';
import type { OverviewQuery, OverviewRollout_RolloutFragment } from '../generated/graphql';
import { describeError } from '../modules/apollo/errors';
import { AttentionList } from '../modules/dashboard/components/AttentionList';
import { DeploymentsChart } from '../modules/dashboard/components/DeploymentsChart';
import { CHART_DAYS, useLiveOverview } from '../modules/dashboard/hooks/useLiveOverview';
import { ReleaseStatusChip } from '../modules/release/components/ReleaseStatusChip';
import { ConnectionIndicator } from '../modules/rollout/components/ConnectionIndicator';
import { RolloutProgressBar } from '../modules/rollout/components/RolloutProgressBar';
import { RolloutStatusChip } from '../modules/rollout/components/RolloutStatusChip';
import { plural } from '../modules/ui/format';
import { LoadErrorAlert } from '../modules/ui/LoadErrorAlert';
import { useCan, useIsScoped } from '../modules/auth/hooks/useCan';
import { useDisabledWebhooks, type DisabledWebhook } from '../modules/webhook/hooks/useDisabledWebhooks';

function rolloutTitle(rollout: OverviewRollout_RolloutFragment): string {
  return `${rollout.release.track.name} ${rollout.release.version}`;
}

function Section({ title, children, action }: { title: string; children: React.ReactNode; action?: React.ReactNode }) {
  const id = `section-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <Paper component="section" variant="outlined" aria-labelledby={id} sx={{ p: 2, minWidth: 0 }}>
      <Stack direction="row" sx={{ alignItems: 'center', mb: 1 }}>
        <Typography id={id} variant="h6" component="h2" sx={{ flexGrow: 1 }}>
          {title}
        </Typography>
        {action}
      </Stack>
      {children}
    </Paper>
  );
}

function Quiet({ children }: { children: React.ReactNode }) {
  return (
    <Typography color="text.secondary" variant="body2" sx={{ py: 1 }}>
      {children}
    </Typography>
  );
}

function ActiveRollouts({ rollouts }: { rollouts: OverviewQuery['activeRollouts'] }) {
  const scoped = useIsScoped();
  if (rollouts.nodes.length === 0) return <Quiet>No rollout is in progress.</Quiet>;
  return (
    <List aria-label="Rollouts in progress" disablePadding>
      {rollouts.nodes.map((rollout) => (
        <ListItem key={rollout.id} divider disableGutters sx={{ display: 'block' }}>
          <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ alignItems: { sm: 'center' } }}>
            <Box sx={{ minWidth: 220 }}>
              <Link component={RouterLink} to={`/rollouts/${rollout.id}`} sx={{ fontWeight: 600 }}>
                {rolloutTitle(rollout)}
              </Link>
              <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mt: 0.5 }}>
                <RolloutStatusChip status={rollout.status} />
                <Typography variant="caption" color="text.secondary">
                  Wave {rollout.currentWave} of {rollout.waveCount}
                </Typography>
              </Stack>
            </Box>
            <Box sx={{ flexGrow: 1 }}>
              <RolloutProgressBar progress={rollout.progress} label={`Progress of ${rolloutTitle(rollout)}`} yours={scoped} />
            </Box>
          </Stack>
        </ListItem>
      ))}
      {rollouts.totalCount > rollouts.nodes.length && (
        <ListItem disableGutters>
          <Link component={RouterLink} to="/rollouts" variant="body2">
            {rollouts.totalCount - rollouts.nodes.length} more in progress
          </Link>
        </ListItem>
      )}
    </List>
  );
}

function DisabledWebhooks({ webhooks }: { webhooks: DisabledWebhook[] }) {
  return (
    <List aria-label="Disabled webhooks" dense disablePadding>
      {webhooks.map((webhook) => (
        <ListItem key={webhook.id} disableGutters divider>
          <ListItemText
            primary={
              <Link component={RouterLink} to={`/webhooks/${webhook.id}`} sx={{ fontWeight: 600 }}>
                Webhook {webhook.description || webhook.url} disabled
              </Link>
            }
            secondary={webhook.disabledReason}
          />
        </ListItem>
      ))}
    </List>
  );
}

function Attention({
  data,
  failedSince,
  failureWindowDays,
  webhooks,
}: {
  data: OverviewQuery;
  failedSince: string;
  failureWindowDays: number;
  webhooks: DisabledWebhook[];
}) {
  // Grouped and acknowledgeable on the server; refreshed whenever the overview is.
  return (
    <AttentionList
      since={failedSince}
      failureWindowDays={failureWindowDays}
      refreshKey={data}
      extra={webhooks.length > 0 ? <DisabledWebhooks webhooks={webhooks} /> : undefined}
    />
  );
}

function AwaitingAction({ data }: { data: OverviewQuery }) {
  // Only what the signed-in user may do: promoting and approving take a release manager, finishing a release
  // (drafts, releases on hold) one who sees every tenant.
  const canControl = useCan('RELEASE_MANAGER');
  const canEditReleases = useCan('RELEASE_MANAGER', { everyTenant: true });
  const waiting = canControl ? data.activeRollouts.nodes.filter((rollout) => rollout.status === 'WAITING_FOR_PROMOTION') : [];
  const approvals = canControl ? data.activeRollouts.nodes.filter((rollout) => rollout.progress.awaitingApproval > 0) : [];
  const releases = canEditReleases ? data.releasesToFinish : { nodes: [], totalCount: 0 };
  if (waiting.length === 0 && approvals.length === 0 && releases.nodes.length === 0) {
    return <Quiet>Nothing is waiting for you.</Quiet>;
  }
  return (
    <List aria-label="Awaiting action" dense disablePadding>
      {waiting.map((rollout) => (
        <ListItem key={`promote-${rollout.id}`} disableGutters divider>
          <ListItemText
            primary={
              <Link component={RouterLink} to={`/rollouts/${rollout.id}`} sx={{ fontWeight: 600 }}>
                Promote wave {rollout.currentWave + 1} of {rolloutTitle(rollout)}
              </Link>
            }
            secondary={`Wave ${rollout.currentWave} of ${rollout.waveCount} finished`}
          />
        </ListItem>
      ))}
      {approvals.map((rollout) => (
        <ListItem key={`approve-${rollout.id}`} disableGutters divider>
          <ListItemText
            primary={
              <Link component={RouterLink} to={`/rollouts/${rollout.id}?show=approval`} sx={{ fontWeight: 600 }}>
                Approve {plural(rollout.progress.awaitingApproval, 'installation')} for {rolloutTitle(rollout)}
              </Link>
            }
            secondary="Waiting for someone allowed to approve for the tenant"
          />
        </ListItem>
      ))}
      {releases.nodes.map((release) => (
        <ListItem key={`release-${release.id}`} disableGutters divider>
          <ListItemText
            primary={
              <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
                <Link component={RouterLink} to={`/releases/${release.id}`} sx={{ fontWeight: 600 }}>
                  {release.track.name} {release.version}
                </Link>
                <ReleaseStatusChip status={release.status} />
              </Stack>
            }
            secondary={
              release.status === 'ON_HOLD'
                ? `On hold${release.statusReason ? `: ${release.statusReason}` : ''}; lock it again to resume`
                : release.lockBlockers.length > 0
                  ? `Not locked: ${release.lockBlockers[0]}${release.lockBlockers.length > 1 ? ` (+${release.lockBlockers.length - 1} more)` : ''}`
                  : 'Ready to lock'
            }
          />
        </ListItem>
      ))}
      {releases.totalCount > releases.nodes.length && (
        <ListItem disableGutters>
          <Typography variant="body2" color="text.secondary">
            and {plural(releases.totalCount - releases.nodes.length, 'more release')} not locked
          </Typography>
        </ListItem>
      )}
    </List>
  );
}

export default function OverviewPage() {
  const { overview, stats, failedSince, failureWindowDays } = useLiveOverview();
  const data = overview.data;
  const disabledWebhooks = useDisabledWebhooks();

  return (
    <Stack spacing={2}>
      <title>Overview · Shiplog</title>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
        <Typography variant="h4" component="h1" sx={{ flexGrow: 1 }}>
          Overview
        </Typography>
        <ConnectionIndicator />
      </Stack>
      <Box sx={{ minHeight: 4 }}>{overview.loading && !data && <LinearProgress aria-label="Loading the overview" />}</Box>
      {overview.error && !data && (
        <LoadErrorAlert what="the overview" error={describeError(overview.error)} onRetry={() => void overview.refetch()} />
      )}
      {overview.error && data && (
        <Alert severity="warning">Could not refresh the overview: {describeError(overview.error)}</Alert>
      )}

      {data && (
        <>
          <Section
            title="In progress"
            action={
              <Button component={RouterLink} to="/rollouts" size="small">
                All rollouts
              </Button>
            }
          >
            <ActiveRollouts rollouts={data.activeRollouts} />
          </Section>
          <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr', md: '1fr 1fr' } }}>
            <Section title="Needs attention">
              <Attention
                data={data}
                failedSince={failedSince}
                failureWindowDays={failureWindowDays}
                webhooks={disabledWebhooks.nodes}
              />
            </Section>
            <Section title="Awaiting action">
              <AwaitingAction data={data} />
            </Section>
          </Box>
        </>
      )}

      <Section
        title={`Deployments per day, last ${CHART_DAYS} days`}
        action={
          <Button component={RouterLink} to="/deployments" size="small">
            The ledger
          </Button>
        }
      >
        {stats.loading && !stats.data && <LinearProgress aria-label="Loading deployment statistics" />}
        {stats.error && !stats.data && (
          <LoadErrorAlert what="deployment statistics" error={describeError(stats.error)} onRetry={() => void stats.refetch()} />
        )}
        {stats.data && <DeploymentsChart stats={stats.data.deploymentStats} />}
      </Section>
    </Stack>
  );
}
