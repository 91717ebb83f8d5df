import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Paper from '@mui/material/Paper';
import type { ReactNode } from 'react';
import type { TenantRow_TenantFragment } from '../../../generated/graphql';
import { TenantRow } from './TenantRow';

export interface TenantTableProps {
  tenants: readonly TenantRow_TenantFragment[];
  busy: boolean;
  /** A last column of actions per tenant (archive, restore), for users who may use them. */
  actions?: (tenant: TenantRow_TenantFragment) => ReactNode;
}

export function TenantTable({ tenants, busy, actions }: TenantTableProps) {
  return (
    <TableContainer component={Paper} variant="outlined" sx={{ opacity: busy ? 0.6 : 1, transition: 'opacity 120ms' }}>
      <Table aria-label="Tenants" aria-busy={busy} size="small">
        <TableHead>
          <TableRow>
            <TableCell>Slug</TableCell>
            <TableCell>Name</TableCell>
            <TableCell>Labels</TableCell>
            <TableCell align="right">Installations</TableCell>
            <TableCell>Status</TableCell>
            {actions && <TableCell align="right">Actions</TableCell>}
          </TableRow>
        </TableHead>
        <TableBody>
          {tenants.map((tenant) => (
            <TenantRow key={tenant.id} tenant={tenant} actions={actions?.(tenant)} />
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
