import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { Fragment } from 'react';
import type { ReleaseComponents_ReleaseFragment } from '../../../generated/graphql';
import { Markdown } from '../../ui/Markdown';

type Component = ReleaseComponents_ReleaseFragment['components'][number];

function byStage(components: readonly Component[]): [number, Component[]][] {
  const stages = new Map<number, Component[]>();
  for (const component of components) {
    const list = stages.get(component.stage) ?? [];
    list.push(component);
    stages.set(component.stage, list);
  }
  return [...stages.entries()].sort(([a], [b]) => a - b);
}

/** The release's components grouped by the stage they deploy in, stage 1 first. */
export function ReleaseComponents({ release }: { release: ReleaseComponents_ReleaseFragment }) {
  if (release.components.length === 0) {
    return (
      <Paper variant="outlined" sx={{ p: 3, textAlign: 'center' }}>
        <Typography color="text.secondary">This release has no components yet.</Typography>
      </Paper>
    );
  }

  return (
    <Stack spacing={2}>
      {byStage(release.components).map(([stage, components]) => (
        <Paper key={stage} variant="outlined" component="section" aria-labelledby={`stage-${stage}`}>
          <Typography id={`stage-${stage}`} variant="subtitle1" component="h3" sx={{ px: 2, pt: 1.5, fontWeight: 600 }}>
            Stage {stage}
          </Typography>
          <Table size="small" aria-label={`Stage ${stage} components`}>
            <TableHead>
              <TableRow>
                <TableCell>Application</TableCell>
                <TableCell>Artifact version</TableCell>
                <TableCell>Commit</TableCell>
                <TableCell>Build</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {components.map(({ id, application, artifact, instructions }) => (
                <Fragment key={id}>
                  <TableRow>
                    <TableCell>
                      <Typography variant="body2" sx={{ fontWeight: 600 }}>
                        {application.name}
                      </Typography>
                      <Typography variant="caption" color="text.secondary">
                        {application.slug}
                      </Typography>
                    </TableCell>
                    <TableCell>
                      {artifact ? (
                        <span title={artifact.imageRef}>{artifact.version}</span>
                      ) : (
                        <Typography variant="body2" color="warning.main">
                          No artifact chosen
                        </Typography>
                      )}
                    </TableCell>
                    <TableCell sx={{ fontFamily: 'monospace' }}>{artifact?.commitSha?.slice(0, 12) ?? '—'}</TableCell>
                    <TableCell>
                      {artifact?.buildUrl ? (
                        <Link href={artifact.buildUrl} target="_blank" rel="noreferrer">
                          Build of {artifact.version}
                        </Link>
                      ) : (
                        '—'
                      )}
                    </TableCell>
                  </TableRow>
                  {instructions.trim() && (
                    <TableRow>
                      <TableCell colSpan={4} aria-label={`${application.name} instructions`} sx={{ pl: 4 }}>
                        <Markdown source={instructions} />
                      </TableCell>
                    </TableRow>
                  )}
                </Fragment>
              ))}
            </TableBody>
          </Table>
        </Paper>
      ))}
    </Stack>
  );
}
