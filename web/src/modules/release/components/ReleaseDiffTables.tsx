import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';
import type { ComponentSide, ReleaseDiff } from '../compare';

function Application({ side }: { side: ComponentSide }) {
  return (
    <>
      <Typography variant="body2" component="span" sx={{ fontWeight: 600 }}>
        {side.name}
      </Typography>{' '}
      <Typography variant="caption" component="span" color="text.secondary">
        {side.slug}
      </Typography>
    </>
  );
}

const version = (side: ComponentSide) => side.version ?? 'no artifact';

function DiffSection({
  title,
  count,
  columns,
  children,
}: {
  title: string;
  count: number;
  columns: string[];
  children: ReactNode;
}) {
  const id = `diff-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <Stack spacing={1} component="section" aria-labelledby={id}>
      <Typography id={id} variant="h6" component="h2">
        {title} ({count})
      </Typography>
      {count === 0 ? (
        <Typography color="text.secondary">None.</Typography>
      ) : (
        <TableContainer component={Paper} variant="outlined">
          <Table size="small" aria-label={title}>
            <TableHead>
              <TableRow>
                {columns.map((column) => (
                  <TableCell key={column}>{column}</TableCell>
                ))}
              </TableRow>
            </TableHead>
            <TableBody>{children}</TableBody>
          </Table>
        </TableContainer>
      )}
    </Stack>
  );
}

/** The difference between two releases: added, removed, changed artifact, moved stage. */
export function ReleaseDiffTables({
  diff,
  baseVersion,
  headVersion,
}: {
  diff: ReleaseDiff;
  baseVersion: string;
  headVersion: string;
}) {
  return (
    <Stack spacing={3}>
      <DiffSection title="Added" count={diff.added.length} columns={['Application', `Artifact in ${headVersion}`, 'Stage']}>
        {diff.added.map((side) => (
          <TableRow key={side.slug}>
            <TableCell>
              <Application side={side} />
            </TableCell>
            <TableCell>{version(side)}</TableCell>
            <TableCell>{side.stage}</TableCell>
          </TableRow>
        ))}
      </DiffSection>
      <DiffSection title="Removed" count={diff.removed.length} columns={['Application', `Artifact in ${baseVersion}`, 'Stage']}>
        {diff.removed.map((side) => (
          <TableRow key={side.slug}>
            <TableCell>
              <Application side={side} />
            </TableCell>
            <TableCell>{version(side)}</TableCell>
            <TableCell>{side.stage}</TableCell>
          </TableRow>
        ))}
      </DiffSection>
      <DiffSection
        title="Changed artifact"
        count={diff.changed.length}
        columns={['Application', `Artifact ${baseVersion} → ${headVersion}`, 'Stage']}
      >
        {diff.changed.map(({ base, head }) => (
          <TableRow key={head.slug}>
            <TableCell>
              <Application side={head} />
            </TableCell>
            <TableCell>
              {version(base)} → {version(head)}
            </TableCell>
            <TableCell>{base.stage === head.stage ? head.stage : `${base.stage} → ${head.stage}`}</TableCell>
          </TableRow>
        ))}
      </DiffSection>
      <DiffSection title="Moved stage" count={diff.moved.length} columns={['Application', 'Artifact', 'Stage']}>
        {diff.moved.map(({ base, head }) => (
          <TableRow key={head.slug}>
            <TableCell>
              <Application side={head} />
            </TableCell>
            <TableCell>{version(head)}</TableCell>
            <TableCell>
              {base.stage} → {head.stage}
            </TableCell>
          </TableRow>
        ))}
      </DiffSection>
      <Typography color="text.secondary">
        Unchanged: {diff.unchanged.length === 0 ? 'none' : diff.unchanged.map((side) => side.slug).join(', ')}
      </Typography>
    </Stack>
  );
}
