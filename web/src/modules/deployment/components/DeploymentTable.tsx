import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { Link as RouterLink } from 'react-router';
import type { DeploymentRow_DeploymentFragment } from '../../../generated/graphql';
import { Time } from '../../ui/Time';
import { journeyPath } from '../paths';
import { DeploymentStatusChip } from './DeploymentStatusChip';

/** Rows of the ledger; a row's "Details" opens the deployment, its version the artifact's journey. */
export function DeploymentTable({
  deployments,
  busy,
  onOpen,
  onInstallation,
}: {
  deployments: readonly DeploymentRow_DeploymentFragment[];
  busy: boolean;
  onOpen: (id: string) => void;
  onInstallation: (installation: { id: string; tenantSlug: string }) => void;
}) {
  return (
    <TableContainer component={Paper} variant="outlined" sx={{ opacity: busy ? 0.6 : 1 }}>
      <Table aria-label="Deployments" size="small">
        <TableHead>
          <TableRow>
            <TableCell>Queued</TableCell>
            <TableCell>Application</TableCell>
            <TableCell>Installation</TableCell>
            <TableCell>Status</TableCell>
            <TableCell sx={{ display: { xs: 'none', md: 'table-cell' } }}>Triggered by</TableCell>
            <TableCell align="right">Details</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {deployments.map((deployment) => {
            const { application, artifact, installation } = deployment;
            const what = `${application.name} ${artifact.version} on ${installation.tenant.name} / ${installation.name}`;
            return (
              <TableRow key={deployment.id} hover onClick={() => onOpen(deployment.id)} sx={{ cursor: 'pointer' }}>
                <TableCell sx={{ whiteSpace: 'nowrap' }}>
                  <Time value={deployment.queuedAt} />
                </TableCell>
                <TableCell>
                  <Typography variant="body2" component="span" sx={{ fontWeight: 600 }}>
                    {application.name}
                  </Typography>{' '}
                  <Link
                    component={RouterLink}
                    to={journeyPath(application.slug, artifact.version)}
                    onClick={(event) => event.stopPropagation()}
                    aria-label={`Journey of ${application.name} ${artifact.version}`}
                  >
                    {artifact.version}
                  </Link>
                  {deployment.kind === 'ROLLBACK' && (
                    <Typography variant="caption" color="text.secondary">
                      {' '}
                      (rollback)
                    </Typography>
                  )}
                </TableCell>
                <TableCell>
                  <Link
                    component="button"
                    type="button"
                    variant="body2"
                    onClick={(event) => {
                      event.stopPropagation();
                      onInstallation({ id: installation.id, tenantSlug: installation.tenant.slug });
                    }}
                    aria-label={`Only ${installation.tenant.name} / ${installation.name}`}
                    sx={{ textAlign: 'left' }}
                  >
                    {installation.tenant.name} / {installation.name}
                  </Link>
                  <Typography variant="caption" color="text.secondary" component="div">
                    {installation.tier.name} ·{' '}
                    <Link
                      component={RouterLink}
                      to={`/installations/${installation.id}`}
                      onClick={(event) => event.stopPropagation()}
                      aria-label={`${installation.tenant.name} / ${installation.name}: installation page`}
                    >
                      installation page
                    </Link>
                  </Typography>
                </TableCell>
                <TableCell>
                  <DeploymentStatusChip status={deployment.status} />
                </TableCell>
                <TableCell sx={{ display: { xs: 'none', md: 'table-cell' }, overflowWrap: 'anywhere' }}>
                  {deployment.triggeredBy}
                </TableCell>
                <TableCell align="right">
                  <Link
                    component="button"
                    type="button"
                    variant="body2"
                    onClick={(event) => {
                      event.stopPropagation();
                      onOpen(deployment.id);
                    }}
                    aria-label={`Open details of ${what}`}
                  >
                    Open
                  </Link>
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
