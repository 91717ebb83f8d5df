import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Link from '@mui/material/Link';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';
import { Link as RouterLink } from 'react-router';
import type { InstallationRow_InstallationFragment } from '../../../generated/graphql';
import { ArchivedChip } from '../../archive/components/ShowArchivedSwitch';
import { LabelChips } from './LabelChips';
import { VirtualTable } from './VirtualTable';

const COLUMNS = 'minmax(140px, 1.2fr) minmax(140px, 1.2fr) 90px minmax(120px, 2fr) 110px';

function Cell({ children }: { children: React.ReactNode }) {
  return (
    <Box role="cell" sx={{ minWidth: 0, overflow: 'hidden', whiteSpace: 'nowrap', textOverflow: 'ellipsis' }}>
      {children}
    </Box>
  );
}

function Header({ children }: { children: React.ReactNode }) {
  return (
    <Typography role="columnheader" variant="body2" sx={{ fontWeight: 600 }}>
      {children}
    </Typography>
  );
}

export interface InstallationListProps {
  installations: readonly InstallationRow_InstallationFragment[];
  totalCount: number;
  hasMore: boolean;
  onNearEnd: () => unknown;
  busy: boolean;
  /** A last column of actions per installation (archive, restore), for users who may use them. */
  actions?: (installation: InstallationRow_InstallationFragment) => ReactNode;
}

/** Installations across tenants, virtualized: thousands of rows, and only the visible ones are in the page. */
export function InstallationList({ installations, totalCount, hasMore, onNearEnd, busy, actions }: InstallationListProps) {
  return (
    <VirtualTable
      label="Installations"
      count={installations.length}
      totalCount={totalCount}
      hasMore={hasMore}
      onNearEnd={onNearEnd}
      rowHeight={52}
      columns={actions ? `${COLUMNS} 100px` : COLUMNS}
      busy={busy}
      header={
        <>
          <Header>Tenant</Header>
          <Header>Installation</Header>
          <Header>Tier</Header>
          <Header>Labels</Header>
          <Header>Status</Header>
          {actions && <Header>Actions</Header>}
        </>
      }
      renderRow={(index) => {
        const installation = installations[index];
        const { tenant } = installation;
        const archived = !!installation.archivedAt || !!tenant.archivedAt;
        return (
          <>
            <Cell>
              <Link component={RouterLink} to={`/tenants/${tenant.slug}`} title={tenant.name}>
                {tenant.slug}
              </Link>
            </Cell>
            <Cell>
              <Link component={RouterLink} to={`/installations/${installation.id}`} variant="body2" sx={{ fontWeight: 600 }}>
                {installation.slug}
              </Link>{' '}
              <Typography component="span" variant="body2" color="text.secondary">
                {installation.name}
              </Typography>
            </Cell>
            <Cell>{installation.tier.name}</Cell>
            <Cell>
              <LabelChips labels={installation.labels} />
            </Cell>
            <Cell>
              <Stack direction="row" spacing={0.5}>
                {installation.archivedAt && <ArchivedChip />}
                {!installation.archivedAt && tenant.archivedAt && <ArchivedChip label="Tenant archived" />}
                {tenant.blocked && <Chip label="Blocked" color="error" size="small" />}
                {installation.frozen && <Chip label="Frozen" color="info" size="small" />}
                {!archived && !tenant.blocked && !installation.frozen && (
                  <Chip label="Active" color="success" size="small" variant="outlined" />
                )}
              </Stack>
            </Cell>
            {actions && <Cell>{actions(installation)}</Cell>}
          </>
        );
      }}
    />
  );
}
