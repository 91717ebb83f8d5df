import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import { Link as RouterLink } from 'react-router';
import type { ReleaseRow_ReleaseFragment } from '../../../generated/graphql';
import { Time } from '../../ui/Time';
import { ArtifactSelectionChip, ReleaseStatusChip } from './ReleaseStatusChip';

export function ReleaseTable({ releases, busy }: { releases: readonly ReleaseRow_ReleaseFragment[]; busy: boolean }) {
  return (
    <TableContainer component={Paper} variant="outlined" sx={{ opacity: busy ? 0.6 : 1, transition: 'opacity 120ms' }}>
      <Table aria-label="Releases" aria-busy={busy} size="small">
        <TableHead>
          <TableRow>
            <TableCell>Version</TableCell>
            <TableCell>Status</TableCell>
            <TableCell>Artifacts</TableCell>
            <TableCell>Created</TableCell>
            <TableCell>Locked</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {releases.map((release) => (
            <TableRow key={release.id} hover>
              <TableCell>
                <Link component={RouterLink} to={`/releases/${release.id}`} sx={{ fontWeight: 600 }}>
                  {release.version}
                </Link>
              </TableCell>
              <TableCell>
                <ReleaseStatusChip status={release.status} />
              </TableCell>
              <TableCell>
                <ArtifactSelectionChip selection={release.artifactSelection} />
              </TableCell>
              <TableCell>
                <Time value={release.createdAt} />
              </TableCell>
              <TableCell>
                <Time value={release.lockedAt} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
