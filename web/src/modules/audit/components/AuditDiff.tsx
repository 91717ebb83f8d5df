import Box from '@mui/material/Box';
import FormControlLabel from '@mui/material/FormControlLabel';
import Switch from '@mui/material/Switch';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { diffJson, formatValue, type Change } from '../diff';
import { plural } from '../../ui/format';

const MARK: Record<Change, { label: string; bgcolor?: string }> = {
  added: { label: 'Added', bgcolor: 'rgba(46, 125, 50, 0.12)' },
  removed: { label: 'Removed', bgcolor: 'rgba(211, 47, 47, 0.12)' },
  changed: { label: 'Changed', bgcolor: 'rgba(237, 108, 2, 0.14)' },
  same: { label: 'Unchanged' },
};

/** An audit event's before and after, key by key, the changed keys highlighted and labelled. */
export function AuditDiff({ before, after, label }: { before: unknown; after: unknown; label: string }) {
  const rows = diffJson(before, after);
  const changed = rows.filter((row) => row.change !== 'same').length;
  const [onlyChanges, setOnlyChanges] = useState(changed > 0 && rows.length > 12);
  if (rows.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        This event recorded no before or after.
      </Typography>
    );
  }
  const shown = onlyChanges ? rows.filter((row) => row.change !== 'same') : rows;
  return (
    <Box>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, flexWrap: 'wrap', mb: 1 }}>
        <Typography variant="body2">
          {changed} of {plural(rows.length, 'value')} changed
        </Typography>
        <FormControlLabel
          control={<Switch size="small" checked={onlyChanges} onChange={(event) => setOnlyChanges(event.target.checked)} />}
          label="Only changes"
        />
      </Box>
      <Table size="small" aria-label={label} sx={{ tableLayout: 'fixed' }}>
        <TableHead>
          <TableRow>
            <TableCell sx={{ width: '25%' }}>Key</TableCell>
            <TableCell>Before</TableCell>
            <TableCell>After</TableCell>
            <TableCell sx={{ width: 96 }}>Change</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {shown.map((row) => (
            <TableRow key={row.path || '(value)'} sx={{ bgcolor: MARK[row.change].bgcolor }}>
              <TableCell component="th" scope="row" sx={{ fontFamily: 'monospace', overflowWrap: 'anywhere' }}>
                {row.path || '(value)'}
              </TableCell>
              <TableCell
                sx={{
                  fontFamily: 'monospace',
                  overflowWrap: 'anywhere',
                  textDecoration: row.change === 'changed' || row.change === 'removed' ? 'line-through' : undefined,
                  color: row.change === 'same' ? 'text.secondary' : undefined,
                }}
              >
                {formatValue(row.before)}
              </TableCell>
              <TableCell
                sx={{
                  fontFamily: 'monospace',
                  overflowWrap: 'anywhere',
                  fontWeight: row.change === 'changed' || row.change === 'added' ? 600 : undefined,
                  color: row.change === 'same' ? 'text.secondary' : undefined,
                }}
              >
                {formatValue(row.after)}
              </TableCell>
              <TableCell>{MARK[row.change].label}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}
