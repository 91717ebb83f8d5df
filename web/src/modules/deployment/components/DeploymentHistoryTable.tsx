import Link from '@mui/material/Link';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { Link as RouterLink } from 'react-router';
import type { DeploymentKind, DeploymentStatus } from '../../../generated/graphql';
import { Time } from '../../ui/Time';
import { DeploymentStatusChip } from './DeploymentStatusChip';

export interface HistoryRow {
  id: string;
  queuedAt: string;
  kind: DeploymentKind;
  status: DeploymentStatus;
  reason: string;
  triggeredBy: string;
  application: { name: string };
  artifact: { version: string };
  installation?: { id: string; slug: string };
}

/** A history of deployments, newest first as given: when, what, its status, why and who; each opens the deployment. */
export function DeploymentHistoryTable({
  label,
  deployments,
  withInstallation = false,
  onOpenDeployment,
}: {
  label: string;
  deployments: readonly HistoryRow[];
  /** A history of several installations: each row names (and links) its own. */
  withInstallation?: boolean;
  onOpenDeployment: (id: string) => void;
}) {
  return (
    <Table size="small" aria-label={label}>
      <TableHead>
        <TableRow>
          <TableCell>Queued</TableCell>
          {withInstallation && <TableCell>Installation</TableCell>}
          <TableCell>Deployment</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Why and who</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {deployments.map((deployment) => (
          <TableRow key={deployment.id} hover>
            <TableCell sx={{ whiteSpace: 'nowrap' }}>
              <Time value={deployment.queuedAt} />
            </TableCell>
            {withInstallation && (
              <TableCell>
                {deployment.installation && (
                  <Link component={RouterLink} to={`/installations/${deployment.installation.id}`}>
                    {deployment.installation.slug}
                  </Link>
                )}
              </TableCell>
            )}
            <TableCell>
              <Link component="button" type="button" onClick={() => onOpenDeployment(deployment.id)} sx={{ textAlign: 'left' }}>
                {deployment.application.name} {deployment.artifact.version}
                {deployment.kind === 'ROLLBACK' ? ' (rollback)' : ''}
              </Link>
            </TableCell>
            <TableCell>
              <DeploymentStatusChip status={deployment.status} />
            </TableCell>
            <TableCell sx={{ overflowWrap: 'anywhere', minWidth: 160 }}>
              {deployment.reason}
              <Typography variant="body2" color="text.secondary">
                {deployment.triggeredBy}
              </Typography>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
