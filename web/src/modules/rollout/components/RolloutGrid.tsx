import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import type { DeploymentStatus, RolloutLive_RolloutFragment } from '../../../generated/graphql';

type Target = RolloutLive_RolloutFragment['targets'][number];
type CellState = 'NOT_STARTED' | DeploymentStatus;

const CELL: Record<CellState, { label: string; bg: string; fg: string }> = {
  NOT_STARTED: { label: 'Not started', bg: 'transparent', fg: 'text.secondary' },
  QUEUED: { label: 'Queued', bg: 'grey.200', fg: 'text.primary' },
  IN_PROGRESS: { label: 'In progress', bg: 'info.light', fg: 'info.contrastText' },
  SUCCEEDED: { label: 'Succeeded', bg: 'success.light', fg: 'success.contrastText' },
  FAILED: { label: 'Failed', bg: 'error.light', fg: 'error.contrastText' },
  SKIPPED: { label: 'Skipped', bg: 'grey.100', fg: 'text.secondary' },
  CANCELLED: { label: 'Cancelled', bg: 'warning.light', fg: 'warning.contrastText' },
};

/** The stage's state on one installation, from the latest deployment of each application (retries replace attempts). */
function cellState(target: Target, stage: number): { state: CellState; detail: string } {
  const latest = new Map<string, Target['deployments'][number]>();
  for (const deployment of target.deployments) {
    if (deployment.stage === stage) latest.set(deployment.application.slug, deployment);
  }
  const deployments = [...latest.values()];
  const detail = deployments.map((d) => `${d.application.slug} ${d.artifact.version}`).join(', ');
  const statuses = new Set(deployments.map((d) => d.status));
  const order: DeploymentStatus[] = ['FAILED', 'CANCELLED', 'IN_PROGRESS', 'QUEUED'];
  const state: CellState =
    statuses.size === 0
      ? 'NOT_STARTED'
      : (order.find((s) => statuses.has(s)) ?? (statuses.has('SUCCEEDED') ? 'SUCCEEDED' : 'SKIPPED'));
  return { state, detail };
}

export function rolloutStages(targets: readonly Target[]): number[] {
  const stages = new Set<number>();
  for (const target of targets) {
    for (const deployment of target.deployments) if (deployment.stage != null) stages.add(deployment.stage);
    if (target.currentStage != null) stages.add(target.currentStage);
  }
  return [...stages].sort((a, b) => a - b);
}

export function RolloutGrid({
  targets,
  stages,
  onRetry,
  retrying,
}: {
  targets: readonly Target[];
  stages: readonly number[];
  onRetry: (targetId: string) => void;
  retrying: boolean;
}) {
  return (
    <TableContainer component={Paper} variant="outlined">
      <Table aria-label="Installations by stage" size="small">
        <TableHead>
          <TableRow>
            <TableCell>Installation</TableCell>
            <TableCell>Wave</TableCell>
            {stages.map((stage) => (
              <TableCell key={stage} align="center">
                Stage {stage}
              </TableCell>
            ))}
            <TableCell />
          </TableRow>
        </TableHead>
        <TableBody>
          {targets.map((target) => {
            const name = `${target.installation.tenant.slug} / ${target.installation.slug}`;
            return (
              <TableRow key={target.id} aria-label={name}>
                <TableCell component="th" scope="row">
                  {name}
                </TableCell>
                <TableCell>{target.wave}</TableCell>
                {stages.map((stage) => {
                  const { state, detail } = cellState(target, stage);
                  const { label, bg, fg } = CELL[state];
                  return (
                    <TableCell
                      key={stage}
                      align="center"
                      data-status={state}
                      aria-label={`Stage ${stage}: ${label}`}
                      title={detail || undefined}
                      sx={{ bgcolor: bg, color: fg, fontWeight: 600, transition: 'background-color 200ms' }}
                    >
                      {label}
                    </TableCell>
                  );
                })}
                <TableCell align="right">
                  {target.status === 'FAILED' ? (
                    <Button size="small" color="error" onClick={() => onRetry(target.id)} disabled={retrying}>
                      Retry
                    </Button>
                  ) : (
                    <Box component="span" sx={{ color: 'text.secondary', fontSize: 12 }}>
                      {target.status.toLowerCase().replace(/_/g, ' ')}
                    </Box>
                  )}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
