import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import ButtonBase from '@mui/material/ButtonBase';
import Link from '@mui/material/Link';
import Menu from '@mui/material/Menu';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Tooltip from '@mui/material/Tooltip';
import { useState } from 'react';
import { Link as RouterLink } from 'react-router';
import type { DeploymentStatus, RolloutLive_RolloutFragment } from '../../../generated/graphql';
import { deploymentStatusLabel } from '../../deployment/components/DeploymentStatusChip';
import { rollbackCandidates } from './RollbackDialog';

type Target = RolloutLive_RolloutFragment['targetConnection']['nodes'][number];
type Deployment = Target['deployments'][number];
type CellState = 'NOT_STARTED' | 'ROLLED_BACK' | DeploymentStatus;

// The tinted cells are light in both schemes, so their text is dark in both (4.5:1 at least).
const CELL: Record<CellState, { label: string; bg: string; fg: string }> = {
  NOT_STARTED: { label: 'Not started', bg: 'transparent', fg: 'text.secondary' },
  QUEUED: { label: 'Queued', bg: 'grey.200', fg: 'grey.900' },
  IN_PROGRESS: { label: 'In progress', bg: 'info.light', fg: 'grey.900' },
  SUCCEEDED: { label: 'Succeeded', bg: 'success.light', fg: 'grey.900' },
  FAILED: { label: 'Failed', bg: 'error.light', fg: 'grey.900' },
  SKIPPED: { label: 'Skipped', bg: 'grey.100', fg: 'grey.800' },
  CANCELLED: { label: 'Cancelled', bg: 'warning.light', fg: 'grey.900' },
  ROLLED_BACK: { label: 'Rolled back', bg: 'warning.light', fg: 'grey.900' },
};

/**
 * The applications this rollout put on the installation that a later rollback took away again: each one's
 * application id with the version running now. Empty when everything the rollout deployed still runs there.
 */
export function rolledBackSince(target: Target): Map<string, string> {
  const undone = new Map<string, string>();
  for (const running of target.installation.running) {
    if (running.deployment.kind !== 'ROLLBACK') continue;
    if (target.deployments.some((d) => d.id === running.deployment.id)) continue;
    const deployedHere = target.deployments.some(
      (d) => d.application.id === running.application.id && d.status === 'SUCCEEDED' && d.kind === 'ROLLOUT',
    );
    if (deployedHere) undone.set(running.application.id, running.artifact.version);
  }
  return undone;
}

/** The stage's state on one installation, from the latest deployment of each application (retries replace attempts). */
function cellState(target: Target, stage: number): { state: CellState; deployments: Deployment[] } {
  const latest = new Map<string, Deployment>();
  for (const deployment of target.deployments) {
    if (deployment.stage === stage) latest.set(deployment.application.slug, deployment);
  }
  const deployments = [...latest.values()];
  const statuses = new Set(deployments.map((d) => d.status));
  const order: DeploymentStatus[] = ['FAILED', 'CANCELLED', 'IN_PROGRESS', 'QUEUED'];
  const state: CellState =
    statuses.size === 0
      ? 'NOT_STARTED'
      : (order.find((s) => statuses.has(s)) ?? (statuses.has('SUCCEEDED') ? 'SUCCEEDED' : 'SKIPPED'));
  return { state, deployments };
}

export function rolloutStages(targets: readonly Target[]): number[] {
  const stages = new Set<number>();
  for (const target of targets) {
    for (const deployment of target.deployments) if (deployment.stage != null) stages.add(deployment.stage);
    if (target.currentStage != null) stages.add(target.currentStage);
  }
  return [...stages].sort((a, b) => a - b);
}

export function targetName(target: Target): string {
  return `${target.installation.tenant.slug} / ${target.installation.slug}`;
}

export interface TargetActions {
  /** Whether the user may act on installations at all; without it only the status shows. */
  allowed: boolean;
  busy: boolean;
  /** A paused rollout offers to retry one installation alone or to retry it and resume the rollout. */
  rolloutPaused: boolean;
  onRetry(target: Target, resume: boolean): void;
  onApprove(target: Target): void;
  onReject(target: Target): void;
  /** Leaves a failed or waiting installation out of the paused rollout. */
  onExclude(target: Target): void;
  onRollback(target: Target): void;
}

function TargetActionButtons({ target, actions }: { target: Target; actions: TargetActions }) {
  const name = targetName(target);
  const undone = rolledBackSince(target);
  // Offered where this rollout changed something; enabled only when an application has an earlier version to return to.
  const touched =
    target.status !== 'RUNNING' && target.deployments.some((d) => d.status === 'SUCCEEDED' || d.status === 'FAILED');
  const rollbackReason =
    rollbackCandidates(target.installation.running).length > 0
      ? null
      : target.installation.running.some((r) => r.deploying)
        ? 'A deployment is under way here'
        : 'Nothing to roll back to: no earlier version ran here';
  return (
    <Stack direction="row" spacing={0.5} sx={{ justifyContent: 'flex-end', alignItems: 'center' }}>
      <Box
        component="span"
        sx={{ color: undone.size > 0 ? 'warning.dark' : 'text.secondary', fontSize: 12, mr: 0.5 }}
        title={
          undone.size > 0 ? `A later rollback returned ${[...undone.values()].join(', ')}` : (target.statusReason ?? undefined)
        }
      >
        {undone.size > 0 ? 'rolled back' : target.status.toLowerCase().replace(/_/g, ' ')}
      </Box>
      {actions.allowed && target.status === 'FAILED' && !actions.rolloutPaused && (
        <Button
          size="small"
          color="error"
          aria-label={`Retry ${name}`}
          onClick={() => actions.onRetry(target, false)}
          disabled={actions.busy}
        >
          Retry
        </Button>
      )}
      {actions.allowed && target.status === 'FAILED' && actions.rolloutPaused && (
        <>
          <Button
            size="small"
            color="error"
            aria-label={`Retry this installation ${name}`}
            title="Deploys this installation again; the rollout stays paused"
            onClick={() => actions.onRetry(target, false)}
            disabled={actions.busy}
          >
            Retry this installation
          </Button>
          <Button
            size="small"
            color="error"
            aria-label={`Retry and resume ${name}`}
            title="Deploys this installation again and resumes the rollout: its other pending installations start too"
            onClick={() => actions.onRetry(target, true)}
            disabled={actions.busy}
          >
            Retry and resume
          </Button>
        </>
      )}
      {actions.allowed && target.status === 'AWAITING_APPROVAL' && (
        <>
          <Button
            size="small"
            variant="contained"
            aria-label={`Approve ${name}`}
            onClick={() => actions.onApprove(target)}
            disabled={actions.busy}
          >
            Approve
          </Button>
          <Button
            size="small"
            color="error"
            aria-label={`Reject ${name}`}
            onClick={() => actions.onReject(target)}
            disabled={actions.busy}
          >
            Reject
          </Button>
        </>
      )}
      {actions.allowed &&
        actions.rolloutPaused &&
        (target.status === 'FAILED' || target.status === 'PENDING' || target.status === 'AWAITING_APPROVAL') && (
          <Button
            size="small"
            aria-label={`Exclude ${name}`}
            title="Leaves this installation out of the rollout; resuming goes on without it"
            onClick={() => actions.onExclude(target)}
            disabled={actions.busy}
          >
            Exclude
          </Button>
        )}
      {actions.allowed && touched && rollbackReason === null && (
        <Button size="small" aria-label={`Roll back ${name}`} onClick={() => actions.onRollback(target)} disabled={actions.busy}>
          Roll back
        </Button>
      )}
      {actions.allowed && touched && rollbackReason !== null && (
        <Tooltip title={rollbackReason}>
          {/* A disabled button gets no focus or hover: the wrapper carries the reason. */}
          <Box component="span" tabIndex={0} aria-label={`Roll back ${name}: ${rollbackReason}`}>
            <Button size="small" disabled>
              Roll back
            </Button>
          </Box>
        </Tooltip>
      )}
    </Stack>
  );
}

/** One stage on one installation: its colour and, on click, its deployments (a menu when there are several). */
function StageCell({
  stage,
  target,
  onOpenDeployment,
}: {
  stage: number;
  target: Target;
  onOpenDeployment: (deploymentId: string) => void;
}) {
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const { state: deployed, deployments } = cellState(target, stage);
  // A stage whose applications a later rollback took away again no longer reads as succeeded.
  const undone = rolledBackSince(target);
  const state: CellState =
    deployed === 'SUCCEEDED' && deployments.some((d) => undone.has(d.application.id)) ? 'ROLLED_BACK' : deployed;
  const { label, bg, fg } = CELL[state];
  const detail = deployments.map((d) => `${d.application.name} ${d.artifact.version}`).join(', ');
  return (
    <TableCell
      align="center"
      data-status={state}
      aria-label={`Stage ${stage}: ${label}`}
      title={detail || undefined}
      sx={{ bgcolor: bg, color: fg, fontWeight: 600, transition: 'background-color 200ms', p: 0 }}
    >
      {deployments.length === 0 ? (
        <Box sx={{ px: 2, py: 0.75 }}>{label}</Box>
      ) : (
        <ButtonBase
          // The name holds the state it shows, as a speech user would say it.
          aria-label={`Stage ${stage} deployments on ${targetName(target)}: ${label}`}
          aria-haspopup={deployments.length > 1 ? 'menu' : 'dialog'}
          onClick={(event) => (deployments.length === 1 ? onOpenDeployment(deployments[0].id) : setAnchor(event.currentTarget))}
          sx={{ width: '100%', px: 2, py: 0.75, font: 'inherit', color: 'inherit' }}
        >
          {label}
        </ButtonBase>
      )}
      <Menu anchorEl={anchor} open={anchor !== null} onClose={() => setAnchor(null)}>
        {deployments.map((deployment) => (
          <MenuItem
            key={deployment.id}
            onClick={() => {
              setAnchor(null);
              onOpenDeployment(deployment.id);
            }}
          >
            {deployment.application.name} {deployment.artifact.version}: {deploymentStatusLabel(deployment.status)}
          </MenuItem>
        ))}
      </Menu>
    </TableCell>
  );
}

export function RolloutGrid({
  targets,
  stages,
  actions,
  onOpenDeployment,
}: {
  targets: readonly Target[];
  stages: readonly number[];
  actions: TargetActions;
  onOpenDeployment: (deploymentId: string) => void;
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
            <TableCell align="right">Status</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {targets.map((target) => {
            const name = targetName(target);
            return (
              <TableRow key={target.id} aria-label={name}>
                <TableCell component="th" scope="row">
                  <Link component={RouterLink} to={`/installations/${target.installation.id}`} underline="hover" color="inherit">
                    {name}
                  </Link>
                </TableCell>
                <TableCell>{target.wave}</TableCell>
                {stages.map((stage) => (
                  <StageCell key={stage} stage={stage} target={target} onOpenDeployment={onOpenDeployment} />
                ))}
                <TableCell align="right">
                  <TargetActionButtons target={target} actions={actions} />
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
