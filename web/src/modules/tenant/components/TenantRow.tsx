import Chip from '@mui/material/Chip';
import Link from '@mui/material/Link';
import Stack from '@mui/material/Stack';
import TableCell from '@mui/material/TableCell';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { Link as RouterLink } from 'react-router';
import type { ReactNode } from 'react';
import type { TenantRow_TenantFragment } from '../../../generated/graphql';
import { ArchivedChip } from '../../archive/components/ShowArchivedSwitch';

export function TenantRow({ tenant, actions }: { tenant: TenantRow_TenantFragment; actions?: ReactNode }) {
  return (
    <TableRow hover>
      <TableCell>
        <Link
          component={RouterLink}
          to={`/tenants/${tenant.slug}`}
          sx={{ fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace', fontSize: 14 }}
        >
          {tenant.slug}
        </Link>
      </TableCell>
      <TableCell>{tenant.name}</TableCell>
      <TableCell>
        {tenant.labels.length > 0 ? (
          <Stack direction="row" spacing={0.5} useFlexGap sx={{ flexWrap: 'wrap' }}>
            {tenant.labels.map((label) => (
              <Chip key={label.key} label={`${label.key}=${label.value}`} size="small" variant="outlined" />
            ))}
          </Stack>
        ) : (
          <Typography component="span" color="text.secondary" aria-label="No labels">
            —
          </Typography>
        )}
      </TableCell>
      <TableCell align="right">{tenant.installationCount}</TableCell>
      <TableCell>
        {tenant.archivedAt ? (
          <ArchivedChip />
        ) : tenant.blocked ? (
          <Chip label="Blocked" color="error" size="small" />
        ) : (
          <Chip label="Active" color="success" size="small" variant="outlined" />
        )}
      </TableCell>
      {actions !== undefined && <TableCell align="right">{actions}</TableCell>}
    </TableRow>
  );
}
