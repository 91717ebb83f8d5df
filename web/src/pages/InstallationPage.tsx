import { useQuery } from '@apollo/client/react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Breadcrumbs from '@mui/material/Breadcrumbs';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import LinearProgress from '@mui/material/LinearProgress';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { useState, type ReactNode } from 'react';
import { Link as RouterLink, useParams } from 'react-router';
import {
  InstallationDetailDocument,
  InstallationHistoryDocument,
  InstallationRolloutsDocument,
  type InstallationDetailQuery,
  type RolloutTargetStatus,
} from '../generated/graphql';
import { describeError } from '../modules/apollo/errors';
import { useCan } from '../modules/auth/hooks/useCan';
import { DeploymentDrawer } from '../modules/deployment/components/DeploymentDrawer';
import { DeploymentHistoryTable } from '../modules/deployment/components/DeploymentHistoryTable';
import { RecordVerificationDialog } from '../modules/deployment/components/RecordVerificationDialog';
import { journeyPath } from '../modules/deployment/paths';
import { LabelChips } from '../modules/fleet/components/LabelChips';
import { InstallationSettings } from '../modules/installation/components/InstallationSettings';
import { RolloutStatusChip } from '../modules/rollout/components/RolloutStatusChip';
import { LoadErrorAlert } from '../modules/ui/LoadErrorAlert';
import { Time } from '../modules/ui/Time';
import { usePagedList } from '../modules/ui/usePagedList';
import { useSearchParam } from '../modules/ui/useSearchParam';

const PAGE_SIZE = 20;

type Installation = NonNullable<InstallationDetailQuery['installation']>;
type Running = Installation['running'][number];

const TARGET_STATUS: Record<RolloutTargetStatus, string> = {
  PENDING: 'Pending',
  AWAITING_APPROVAL: 'Awaiting approval',
  RUNNING: 'Running',
  SUCCEEDED: 'Succeeded',
  FAILED: 'Failed',
  SKIPPED: 'Skipped (already there)',
  ROLLED_BACK: 'Rolled back',
  CANCELLED: 'Cancelled',
  REJECTED: 'Rejected',
  EXCLUDED: 'Excluded',
};

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <Paper variant="outlined" component="section" aria-labelledby={id} sx={{ p: 2 }}>
      <Typography id={id} variant="h6" component="h2" gutterBottom>
        {title}
      </Typography>
      {children}
    </Paper>
  );
}

/** The newest verification decides what the row says; all of them are in the deployment drawer. */
function VerificationCell({ entry }: { entry: Running }) {
  const { verifications } = entry.deployment;
  const latest = verifications[verifications.length - 1];
  if (!latest)
    return (
      <Typography variant="body2" color="text.secondary">
        Not verified
      </Typography>
    );
  const passed = latest.status === 'PASSED';
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
      <Chip size="small" color={passed ? 'success' : 'error'} label={passed ? 'Passed' : 'Failed'} />
      <Typography variant="body2">
        {latest.url ? (
          <Link href={latest.url} target="_blank" rel="noreferrer">
            {latest.source}
          </Link>
        ) : (
          latest.source
        )}{' '}
        <Typography component="span" variant="body2" color="text.secondary">
          <Time value={latest.at} />
          {verifications.length > 1 ? ` · ${verifications.length} checks` : ''}
        </Typography>
      </Typography>
    </Stack>
  );
}

function RunningTable({
  installation,
  canVerify,
  onOpenDeployment,
  onVerify,
}: {
  installation: Installation;
  canVerify: boolean;
  onOpenDeployment: (id: string) => void;
  onVerify: (entry: Running) => void;
}) {
  if (installation.running.length === 0) {
    return <Typography color="text.secondary">Nothing runs here yet.</Typography>;
  }
  return (
    <Box sx={{ overflowX: 'auto' }}>
      <Table size="small" aria-label={`What runs on ${installation.slug}`}>
        <TableHead>
          <TableRow>
            <TableCell>Application</TableCell>
            <TableCell>Version</TableCell>
            <TableCell>Since</TableCell>
            <TableCell>Who</TableCell>
            <TableCell>Why</TableCell>
            <TableCell>Verification</TableCell>
            {canVerify && <TableCell align="right">Actions</TableCell>}
          </TableRow>
        </TableHead>
        <TableBody>
          {installation.running.map((entry) => {
            const { application, artifact, deployment } = entry;
            const rollout = deployment.rollout;
            return (
              <TableRow key={application.id}>
                <TableCell component="th" scope="row">
                  {application.name}
                </TableCell>
                <TableCell>
                  <Link
                    component="button"
                    type="button"
                    onClick={() => onOpenDeployment(deployment.id)}
                    aria-label={`${application.name} ${artifact.version}: open the deployment`}
                  >
                    {artifact.version}
                  </Link>
                  {deployment.kind === 'ROLLBACK' && (
                    <Typography component="span" variant="caption" color="text.secondary">
                      {' '}
                      (rollback)
                    </Typography>
                  )}
                </TableCell>
                <TableCell>
                  <Time value={entry.since} />
                </TableCell>
                <TableCell sx={{ overflowWrap: 'anywhere' }}>{deployment.triggeredBy}</TableCell>
                <TableCell sx={{ overflowWrap: 'anywhere', minWidth: 160 }}>
                  {rollout && (
                    <Link component={RouterLink} to={`/rollouts/${rollout.id}`} sx={{ display: 'block' }}>
                      Rollout of {rollout.release.track.name} {rollout.release.version}
                    </Link>
                  )}
                  <Typography variant="body2" color={rollout ? 'text.secondary' : 'text.primary'}>
                    {deployment.reason}
                  </Typography>
                </TableCell>
                <TableCell>
                  <VerificationCell entry={entry} />
                </TableCell>
                {canVerify && (
                  <TableCell align="right">
                    {deployment.status === 'SUCCEEDED' && (
                      <Button
                        size="small"
                        onClick={() => onVerify(entry)}
                        aria-label={`Verify ${application.name} ${artifact.version}`}
                      >
                        Verify
                      </Button>
                    )}
                  </TableCell>
                )}
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </Box>
  );
}

function LoadMore({
  list,
  noun,
}: {
  list: {
    nodes: readonly unknown[];
    totalCount?: number;
    hasNextPage: boolean;
    loadingMore: boolean;
    loadMore: () => Promise<void>;
  };
  noun: string;
}) {
  if (list.totalCount === undefined || list.nodes.length === 0) return null;
  return (
    <Stack direction="row" sx={{ alignItems: 'center', justifyContent: 'space-between', mt: 1 }}>
      <Typography variant="body2" color="text.secondary">
        Showing {list.nodes.length} of {list.totalCount}
      </Typography>
      {list.hasNextPage && (
        <Button variant="outlined" onClick={() => void list.loadMore()} disabled={list.loadingMore}>
          {list.loadingMore ? 'Loading…' : `Older ${noun}`}
        </Button>
      )}
    </Stack>
  );
}

function History({ installationId, onOpenDeployment }: { installationId: string; onOpenDeployment: (id: string) => void }) {
  const list = usePagedList(InstallationHistoryDocument, { installationId, first: PAGE_SIZE }, (data) => data.deployments);
  return (
    <Section id="installation-history" title="Deployment history">
      <Box sx={{ minHeight: 4 }}>{list.loading && <LinearProgress aria-label="Loading history" />}</Box>
      {list.error && <LoadErrorAlert what="the history" error={list.error} onRetry={list.retry} />}
      {list.totalCount === 0 && <Typography color="text.secondary">No deployments here yet.</Typography>}
      {list.nodes.length > 0 && (
        <Box sx={{ overflowX: 'auto' }}>
          <DeploymentHistoryTable label="Deployment history" deployments={list.nodes} onOpenDeployment={onOpenDeployment} />
        </Box>
      )}
      {list.loadMoreError && <Alert severity="error">Could not load more: {list.loadMoreError}</Alert>}
      <LoadMore list={list} noun="deployments" />
    </Section>
  );
}

function Rollouts({ installationId }: { installationId: string }) {
  const list = usePagedList(
    InstallationRolloutsDocument,
    { id: installationId, first: PAGE_SIZE },
    (data) => data.installation?.rolloutTargets,
  );
  return (
    <Section id="installation-rollouts" title="Rollouts that touched it">
      <Box sx={{ minHeight: 4 }}>{list.loading && <LinearProgress aria-label="Loading rollouts" />}</Box>
      {list.error && <LoadErrorAlert what="the rollouts" error={list.error} onRetry={list.retry} />}
      {list.totalCount === 0 && <Typography color="text.secondary">No rollout has reached this installation.</Typography>}
      {list.nodes.length > 0 && (
        <Box sx={{ overflowX: 'auto' }}>
          <Table size="small" aria-label="Rollouts that touched it">
            <TableHead>
              <TableRow>
                <TableCell>Started</TableCell>
                <TableCell>Release</TableCell>
                <TableCell>Here</TableCell>
                <TableCell>Rollout</TableCell>
                <TableCell>Why and who</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {list.nodes.map((target) => {
                const { rollout } = target;
                return (
                  <TableRow key={target.id} hover>
                    <TableCell>
                      <Time value={rollout.createdAt} />
                    </TableCell>
                    <TableCell>
                      <Link component={RouterLink} to={`/rollouts/${rollout.id}`}>
                        {rollout.release.track.name} {rollout.release.version}
                      </Link>
                    </TableCell>
                    <TableCell>
                      <Tooltip title={`Wave ${target.wave}`} describeChild>
                        <span>{TARGET_STATUS[target.status]}</span>
                      </Tooltip>
                    </TableCell>
                    <TableCell>
                      <RolloutStatusChip status={rollout.status} />
                    </TableCell>
                    <TableCell sx={{ overflowWrap: 'anywhere', minWidth: 160 }}>
                      {rollout.reason}
                      <Typography variant="body2" color="text.secondary">
                        {rollout.createdBy}
                      </Typography>
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </Box>
      )}
      {list.loadMoreError && <Alert severity="error">Could not load more: {list.loadMoreError}</Alert>}
      <LoadMore list={list} noun="rollouts" />
    </Section>
  );
}

/** One installation: what runs there (who, when, why, verified), its settings, its history and its rollouts. */
export default function InstallationPage() {
  const { id = '' } = useParams();
  const [deploymentId, setDeploymentId] = useSearchParam('deployment', { push: true });
  const [verifying, setVerifying] = useState<Running | null>(null);
  const canVerify = useCan('OPERATOR');
  const canEdit = useCan('RELEASE_MANAGER');
  const { data, loading, error, refetch } = useQuery(InstallationDetailDocument, { variables: { id } });
  const installation = data?.installation;

  return (
    <Stack spacing={2}>
      <title>{`${installation ? `${installation.tenant.name} / ${installation.name}` : 'Installation'} · Shiplog`}</title>
      <Breadcrumbs aria-label="Breadcrumb">
        <Link component={RouterLink} to="/installations">
          Installations
        </Link>
        {installation && (
          <Link component={RouterLink} to={`/tenants/${installation.tenant.slug}`}>
            {installation.tenant.slug}
          </Link>
        )}
        <Typography color="text.primary">{installation?.slug ?? id}</Typography>
      </Breadcrumbs>
      <Box sx={{ minHeight: 4 }}>{loading && <LinearProgress aria-label="Loading installation" />}</Box>
      {error && <LoadErrorAlert what="the installation" error={describeError(error)} onRetry={() => void refetch()} />}

      {data && !installation && (
        <Stack spacing={2} sx={{ alignItems: 'flex-start' }}>
          <Typography variant="h4" component="h1">
            Installation not found
          </Typography>
          <Typography color="text.secondary">There is no such installation, or you may not see it.</Typography>
          <Button component={RouterLink} to="/installations" variant="contained">
            Go to installations
          </Button>
        </Stack>
      )}

      {installation && (
        <>
          <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ alignItems: { sm: 'center' } }}>
            <Box sx={{ flexGrow: 1 }}>
              <Typography variant="h4" component="h1">
                {installation.name}
              </Typography>
              <Typography color="text.secondary">
                <Link component={RouterLink} to={`/tenants/${installation.tenant.slug}`}>
                  {installation.tenant.name}
                </Link>{' '}
                · {installation.slug}
              </Typography>
            </Box>
            <Stack direction="row" spacing={1} sx={{ flexWrap: 'wrap' }}>
              <Chip label={`Tier: ${installation.tier.name}`} />
              {installation.frozen && <Chip label="Frozen" color="info" />}
              {installation.requiresApproval && <Chip label="Needs approval" color="warning" variant="outlined" />}
              {installation.tenant.blocked && <Chip label="Tenant blocked" color="error" />}
            </Stack>
          </Stack>
          {installation.labels.length > 0 && <LabelChips labels={installation.labels} wrap />}

          <Section id="installation-running" title="What runs here">
            <RunningTable
              installation={installation}
              canVerify={canVerify}
              onOpenDeployment={setDeploymentId}
              onVerify={setVerifying}
            />
            {installation.running.length > 0 && (
              <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
                Where else a version went:{' '}
                {installation.running.map((entry, index) => (
                  <span key={entry.application.id}>
                    {index > 0 && ', '}
                    <Link component={RouterLink} to={journeyPath(entry.application.slug, entry.artifact.version)}>
                      {entry.application.name} {entry.artifact.version}
                    </Link>
                  </span>
                ))}
              </Typography>
            )}
          </Section>

          <InstallationSettings key={installation.id} installation={installation} canEdit={canEdit} />
          <History installationId={installation.id} onOpenDeployment={setDeploymentId} />
          <Rollouts installationId={installation.id} />

          {verifying && (
            <RecordVerificationDialog
              open
              deployment={{
                id: verifying.deployment.id,
                what: `${verifying.application.name} ${verifying.artifact.version} on ${installation.tenant.name} / ${installation.name}`,
              }}
              onClose={() => setVerifying(null)}
              onRecorded={() => refetch()}
            />
          )}
        </>
      )}
      <DeploymentDrawer deploymentId={deploymentId || null} onClose={() => setDeploymentId('')} />
    </Stack>
  );
}
