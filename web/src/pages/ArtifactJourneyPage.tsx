import { useQuery } from '@apollo/client/react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Breadcrumbs from '@mui/material/Breadcrumbs';
import Chip from '@mui/material/Chip';
import LinearProgress from '@mui/material/LinearProgress';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { Link as RouterLink, useParams } from 'react-router';
import { ArtifactJourneyDocument, type ArtifactJourneyQuery } from '../generated/graphql';
import { describeError } from '../modules/apollo/errors';
import { DeploymentDrawer } from '../modules/deployment/components/DeploymentDrawer';
import { formatDateTime } from '../modules/ui/format';
import { Time } from '../modules/ui/Time';
import { LoadErrorAlert } from '../modules/ui/LoadErrorAlert';
import { useUrlParams } from '../modules/ui/searchParams';

type Step = NonNullable<ArtifactJourneyQuery['artifact']>['journeyConnection']['nodes'][number];
type Tier = ArtifactJourneyQuery['environmentTiers'][number];

interface Verdict {
  severity: 'success' | 'warning' | 'info';
  text: string;
}

/**
 * "Was it verified before prod?": did a passed verification on a lower tier come before the artifact first reached
 * the last tier of the pipeline?
 */
function verdict(steps: readonly Step[], tiers: readonly Tier[]): Verdict {
  if (steps.length === 0) return { severity: 'info', text: 'This artifact has not reached any installation yet.' };
  const top = [...tiers].sort((a, b) => b.rank - a.rank)[0];
  const passedBelow = (before: string | null) =>
    steps.flatMap((step) =>
      step.tier.rank < (top?.rank ?? Infinity)
        ? step.verifications
            .filter((v) => v.status === 'PASSED' && (before === null || v.at <= before))
            .map((v) => ({ step, verification: v }))
        : [],
    );
  const firstOnTop = top ? steps.find((step) => step.tier.id === top.id) : undefined;
  if (!top || !firstOnTop) {
    const passed = passedBelow(null);
    return {
      severity: 'info',
      text: `Not on ${top?.name ?? 'the last tier'} yet; ${
        passed.length > 0
          ? `verified on ${[...new Set(passed.map((p) => p.step.tier.name))].join(', ')}.`
          : 'no passed verification so far.'
      }`,
    };
  }
  const before = passedBelow(firstOnTop.at);
  if (before.length === 0) {
    return {
      severity: 'warning',
      text: `No: it reached ${top.name} (${formatDateTime(firstOnTop.at)}) without a passed verification on an earlier tier.`,
    };
  }
  const first = before[0];
  return {
    severity: 'success',
    text: `Yes: verified on ${first.step.tier.name} (${first.verification.source}, ${formatDateTime(first.verification.at)}) before it reached ${top.name} (${formatDateTime(firstOnTop.at)}).`,
  };
}

function Verifications({ step }: { step: Step }) {
  if (step.verifications.length === 0)
    return (
      <Typography variant="body2" color="text.secondary">
        Not verified
      </Typography>
    );
  return (
    <Stack direction="row" spacing={0.5} sx={{ flexWrap: 'wrap', gap: 0.5 }}>
      {step.verifications.map((verification) => (
        <Chip
          key={verification.id}
          size="small"
          variant="outlined"
          color={verification.status === 'PASSED' ? 'success' : 'error'}
          label={`${verification.status === 'PASSED' ? 'Passed' : 'Failed'}: ${verification.source}`}
          title={formatDateTime(verification.at)}
          {...(verification.url
            ? { component: 'a', href: verification.url, target: '_blank', rel: 'noreferrer', clickable: true }
            : {})}
        />
      ))}
    </Stack>
  );
}

/** Says when the installation no longer runs this version (a rollback or a later deployment replaced it). */
function StillRuns({ step, artifactId, applicationId }: { step: Step; artifactId: string; applicationId: string }) {
  const now = step.installation.running.find((running) => running.application.id === applicationId);
  if (now?.artifact.id === artifactId) return null;
  const text = !now
    ? 'No longer runs here'
    : now.deployment.kind === 'ROLLBACK'
      ? `No longer runs here: rolled back to ${now.artifact.version}`
      : `No longer runs here: now ${now.artifact.version}`;
  return (
    <Typography variant="body2" color="warning.dark" component="div">
      {text}
    </Typography>
  );
}

export default function ArtifactJourneyPage() {
  const { app = '', version = '' } = useParams();
  const { get, set } = useUrlParams();
  const { data, loading, error, refetch } = useQuery(ArtifactJourneyDocument, {
    variables: { applicationSlug: app, version },
  });
  const artifact = data?.artifact;
  const title = artifact ? `${artifact.application.name} ${artifact.version}` : `${app} ${version}`;
  const steps = artifact?.journeyConnection.nodes ?? [];
  const totalSteps = artifact?.journeyConnection.totalCount ?? 0;
  const answer = artifact && data ? verdict(steps, data.environmentTiers) : null;

  return (
    <Stack spacing={2}>
      <title>{`Journey of ${title} · Shiplog`}</title>
      <Breadcrumbs aria-label="Breadcrumb">
        <Link component={RouterLink} to="/deployments">
          Deployments
        </Link>
        <Link component={RouterLink} to={`/deployments?app=${encodeURIComponent(app)}`}>
          {artifact?.application.name ?? app}
        </Link>
        <Typography color="text.primary">{version}</Typography>
      </Breadcrumbs>
      <Box>
        <Typography variant="h4" component="h1">
          Journey of {title}
        </Typography>
        {artifact && (
          <Typography color="text.secondary" sx={{ overflowWrap: 'anywhere' }}>
            {artifact.imageRef}
            {artifact.commitSha ? ` · commit ${artifact.commitSha.slice(0, 12)}` : ''} · registered{' '}
            <Time value={artifact.createdAt} /> by {artifact.registeredBy}
          </Typography>
        )}
      </Box>

      {loading && !data && <LinearProgress aria-label="Loading the journey" />}
      {error && <LoadErrorAlert what="the journey" error={describeError(error)} onRetry={() => void refetch()} />}
      {data && !artifact && (
        <Alert severity="warning">
          There is no version “{version}” of “{app}”.
        </Alert>
      )}

      {answer && (
        <Alert severity={answer.severity} role="status" aria-label="Verified before the last tier?">
          <strong>Verified before {[...data!.environmentTiers].sort((a, b) => b.rank - a.rank)[0]?.name ?? 'prod'}?</strong>{' '}
          {answer.text}
        </Alert>
      )}

      {totalSteps > steps.length && (
        <Typography color="text.secondary" role="note">
          Showing the first {steps.length} of {totalSteps} places this version reached.
        </Typography>
      )}

      {artifact && steps.length > 0 && (
        <TableContainer component={Paper} variant="outlined">
          <Table aria-label="Journey" size="small">
            <TableHead>
              <TableRow>
                <TableCell>Reached</TableCell>
                <TableCell>Tier</TableCell>
                <TableCell>Installation</TableCell>
                <TableCell>Verifications</TableCell>
                <TableCell sx={{ display: { xs: 'none', md: 'table-cell' } }}>How</TableCell>
                <TableCell align="right">Deployment</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {steps.map((step) => (
                <TableRow key={step.deployment.id}>
                  <TableCell sx={{ whiteSpace: 'nowrap' }}>
                    <Time value={step.at} />
                  </TableCell>
                  <TableCell>
                    <Chip size="small" label={step.tier.name} />
                  </TableCell>
                  <TableCell>
                    {step.installation.tenant.name} / {step.installation.name}
                    <StillRuns step={step} artifactId={artifact.id} applicationId={artifact.application.id} />
                  </TableCell>
                  <TableCell>
                    <Verifications step={step} />
                  </TableCell>
                  <TableCell sx={{ display: { xs: 'none', md: 'table-cell' } }}>
                    {step.deployment.rollout ? (
                      <Link component={RouterLink} to={`/rollouts/${step.deployment.rollout.id}`}>
                        Rollout of {step.deployment.rollout.release.track.name} {step.deployment.rollout.release.version}
                      </Link>
                    ) : step.deployment.kind === 'ROLLBACK' ? (
                      'Rollback'
                    ) : (
                      step.deployment.triggeredBy
                    )}
                  </TableCell>
                  <TableCell align="right">
                    <Link
                      component="button"
                      type="button"
                      variant="body2"
                      onClick={() => set({ deployment: step.deployment.id }, { replace: false })}
                      aria-label={`Open details of the deployment to ${step.installation.tenant.name} / ${step.installation.name}`}
                    >
                      Open
                    </Link>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      )}

      <DeploymentDrawer deploymentId={get('deployment')} onClose={() => set({ deployment: null })} />
    </Stack>
  );
}
