import Box from '@mui/material/Box';
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
import { Link as RouterLink } from 'react-router';
import { formatPercent } from './format';

export interface SuccessRateRow {
  key: string;
  name: string;
  /** Where the name links to, if anywhere. */
  to?: string;
  successRate: number;
  succeeded: number;
  failed: number;
}

/** Success rates as a table with a bar per row; the numbers are in the cells, the bar only repeats them. */
export function SuccessRateTable({ label, subject, rows }: { label: string; subject: string; rows: SuccessRateRow[] }) {
  return (
    <TableContainer component={Paper} variant="outlined">
      <Table aria-label={label} size="small">
        <TableHead>
          <TableRow>
            <TableCell>{subject}</TableCell>
            <TableCell sx={{ width: '40%' }}>Success rate</TableCell>
            <TableCell align="right">Succeeded</TableCell>
            <TableCell align="right">Failed</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map((row) => (
            <TableRow key={row.key}>
              <TableCell component="th" scope="row">
                {row.to ? (
                  <Link component={RouterLink} to={row.to}>
                    {row.name}
                  </Link>
                ) : (
                  row.name
                )}
              </TableCell>
              <TableCell>
                <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
                  <Box sx={{ flexGrow: 1 }}>
                    <LinearProgress
                      variant="determinate"
                      value={row.successRate * 100}
                      color={row.failed === 0 ? 'success' : 'warning'}
                      aria-hidden
                      sx={{ height: 8, borderRadius: 1 }}
                    />
                  </Box>
                  <Typography variant="body2" sx={{ minWidth: 48, textAlign: 'right' }}>
                    {formatPercent(row.successRate)}
                  </Typography>
                </Stack>
              </TableCell>
              <TableCell align="right">{row.succeeded}</TableCell>
              <TableCell align="right">{row.failed}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
