import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Divider from '@mui/material/Divider';
import Drawer from '@mui/material/Drawer';
import IconButton from '@mui/material/IconButton';
import LinearProgress from '@mui/material/LinearProgress';
import Link from '@mui/material/Link';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import Button from '@mui/material/Button';
import { useEffect, useRef, useState } from 'react';
import { Link as RouterLink } from 'react-router';
import type { DeploymentDetail_DeploymentFragment } from '../../../generated/graphql';
import { describeError } from '../../apollo/errors';
import { useCan } from '../../auth/hooks/useCan';
import { LoadErrorAlert } from '../../ui/LoadErrorAlert';
import { Time } from '../../ui/Time';
import { formatClock, useTimeZoneChoice } from '../../ui/timeFormat';
import { useLiveDeployment } from '../hooks/useLiveDeployment';
import { journeyPath } from '../paths';
import { DeploymentStatusChip, isDeploymentFinished } from './DeploymentStatusChip';
import { RecordVerificationDialog } from './RecordVerificationDialog';

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Box component="div" sx={{ display: 'contents' }}>
      <Typography component="dt" color="text.secondary" variant="body2">
        {label}
      </Typography>
      <Typography component="dd" variant="body2" sx={{ m: 0, overflowWrap: 'anywhere' }}>
        {children}
      </Typography>
    </Box>
  );
}

function LiveLog({ deployment }: { deployment: DeploymentDetail_DeploymentFragment }) {
  const end = useRef<HTMLDivElement>(null);
  const running = !isDeploymentFinished(deployment.status);
  const lines = deployment.logLines.nodes;
  const zone = useTimeZoneChoice();
  useEffect(() => {
    if (running) end.current?.scrollIntoView?.({ block: 'nearest' });
  }, [lines.length, running]);
  if (lines.length === 0) {
    return (
      <Typography color="text.secondary" variant="body2">
        {running ? 'No log lines yet; they appear here as the driver reports them.' : 'This deployment has no log.'}
      </Typography>
    );
  }
  return (
    <Box
      component="pre"
      role="log"
      aria-label="Deployment log"
      aria-live={running ? 'polite' : 'off'}
      sx={{
        m: 0,
        p: 1.5,
        maxHeight: 320,
        overflow: 'auto',
        bgcolor: 'grey.900',
        color: 'grey.100',
        borderRadius: 1,
        fontSize: 12,
        whiteSpace: 'pre-wrap',
      }}
    >
      {lines.map((entry, index) => (
        <Box component="span" key={index} sx={{ display: 'block' }}>
          <Box component="span" sx={{ color: 'grey.500' }}>
            {formatClock(entry.at, zone)}{' '}
          </Box>
          {entry.line}
        </Box>
      ))}
      {deployment.logLines.totalCount > lines.length && (
        <Box component="span" role="note" sx={{ display: 'block', color: 'grey.500', mt: 1 }}>
          Showing the first {lines.length} of {deployment.logLines.totalCount} lines.
        </Box>
      )}
      <div ref={end} />
    </Box>
  );
}

function DeploymentDetails({
  deployment,
  onVerified,
}: {
  deployment: DeploymentDetail_DeploymentFragment;
  onVerified: () => unknown;
}) {
  const { installation, artifact, rollout } = deployment;
  const canVerify = useCan('OPERATOR');
  const [verifying, setVerifying] = useState(false);
  return (
    <Stack spacing={2}>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
        <Typography variant="h6" component="h2" sx={{ flexGrow: 1 }}>
          {deployment.application.name} {artifact.version}
        </Typography>
        <DeploymentStatusChip status={deployment.status} size="medium" />
      </Stack>
      <Box component="dl" sx={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 2, rowGap: 0.75, m: 0 }}>
        <Fact label="Installation">
          <Link component={RouterLink} to={`/tenants/${installation.tenant.slug}`}>
            {installation.tenant.name}
          </Link>{' '}
          /{' '}
          <Link component={RouterLink} to={`/installations/${installation.id}`}>
            {installation.name}
          </Link>{' '}
          ({installation.tier.name})
        </Fact>
        <Fact label="Artifact">
          <Link component={RouterLink} to={journeyPath(deployment.application.slug, artifact.version)}>
            Where {artifact.version} went
          </Link>
        </Fact>
        <Fact label="Triggered by">{deployment.triggeredBy}</Fact>
        <Fact label="Why">{deployment.reason}</Fact>
        <Fact label="Kind">{deployment.kind === 'ROLLBACK' ? 'Rollback' : `Rollout, stage ${deployment.stage ?? '–'}`}</Fact>
        {rollout && (
          <Fact label="Rollout">
            <Link component={RouterLink} to={`/rollouts/${rollout.id}`}>
              {rollout.release.track.name} {rollout.release.version}
            </Link>
          </Fact>
        )}
        <Fact label="Queued">
          <Time value={deployment.queuedAt} />
        </Fact>
        <Fact label="Started">
          <Time value={deployment.startedAt} />
        </Fact>
        <Fact label="Finished">
          <Time value={deployment.finishedAt} />
        </Fact>
        {artifact.commitSha && <Fact label="Commit">{artifact.commitSha.slice(0, 12)}</Fact>}
        {artifact.buildUrl && (
          <Fact label="Build">
            <Link href={artifact.buildUrl} target="_blank" rel="noreferrer">
              {artifact.buildUrl}
            </Link>
          </Fact>
        )}
        {deployment.externalUrl && (
          <Fact label="External">
            <Link href={deployment.externalUrl} target="_blank" rel="noreferrer">
              Open in the orchestrator
            </Link>
          </Fact>
        )}
      </Box>
      {deployment.message && <Alert severity={deployment.status === 'FAILED' ? 'error' : 'info'}>{deployment.message}</Alert>}

      <Divider />
      <Stack direction="row" sx={{ alignItems: 'center' }}>
        <Typography variant="subtitle1" component="h3" sx={{ flexGrow: 1 }}>
          Verifications
        </Typography>
        {canVerify && deployment.status === 'SUCCEEDED' && (
          <Button size="small" variant="outlined" onClick={() => setVerifying(true)}>
            Record verification
          </Button>
        )}
      </Stack>
      {verifying && (
        <RecordVerificationDialog
          open
          deployment={{
            id: deployment.id,
            what: `${deployment.application.name} ${artifact.version} on ${installation.tenant.name} / ${installation.name}`,
          }}
          onClose={() => setVerifying(false)}
          onRecorded={onVerified}
        />
      )}
      {deployment.verifications.length === 0 ? (
        <Typography color="text.secondary" variant="body2">
          Not verified yet.
        </Typography>
      ) : (
        <List dense aria-label="Verifications" disablePadding>
          {deployment.verifications.map((verification) => (
            <ListItem key={verification.id} disableGutters>
              <ListItemText
                primary={
                  <>
                    <Box
                      component="span"
                      sx={{ fontWeight: 600, color: verification.status === 'PASSED' ? 'success.main' : 'error.main' }}
                    >
                      {verification.status === 'PASSED' ? 'Passed' : 'Failed'}
                    </Box>{' '}
                    {verification.url ? (
                      <Link href={verification.url} target="_blank" rel="noreferrer">
                        {verification.source}
                      </Link>
                    ) : (
                      verification.source
                    )}
                  </>
                }
                secondary={
                  <>
                    <Time value={verification.at} /> by {verification.recordedBy}
                  </>
                }
              />
            </ListItem>
          ))}
        </List>
      )}

      <Divider />
      <Typography variant="subtitle1" component="h3">
        Log
      </Typography>
      <LiveLog deployment={deployment} />
    </Stack>
  );
}

/** A deployment's who, when and why, its verifications and its log, live while it runs. */
export function DeploymentDrawer({ deploymentId, onClose }: { deploymentId: string | null; onClose: () => void }) {
  const { data, loading, error, refetch } = useLiveDeployment(deploymentId);
  const deployment = data?.deployment;
  return (
    <Drawer
      anchor="right"
      open={deploymentId !== null}
      onClose={onClose}
      slotProps={{ paper: { sx: { width: { xs: '100%', sm: 480 }, p: 3 }, role: 'dialog', 'aria-label': 'Deployment' } }}
    >
      <Stack direction="row" sx={{ alignItems: 'center', mb: 2 }}>
        <Typography variant="overline" sx={{ flexGrow: 1 }}>
          Deployment
        </Typography>
        <IconButton aria-label="Close deployment" onClick={onClose} edge="end">
          <Box component="span" aria-hidden sx={{ fontSize: 20, lineHeight: 1 }}>
            ×
          </Box>
        </IconButton>
      </Stack>
      {loading && !deployment && <LinearProgress aria-label="Loading deployment" />}
      {error && <LoadErrorAlert what="the deployment" error={describeError(error)} onRetry={() => void refetch()} />}
      {data && !deployment && <Alert severity="warning">There is no such deployment.</Alert>}
      {deployment && <DeploymentDetails deployment={deployment} onVerified={() => refetch()} />}
    </Drawer>
  );
}
