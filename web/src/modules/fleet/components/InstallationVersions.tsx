import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { Link as RouterLink } from 'react-router';
import type { InstallationRow_InstallationFragment, RunningVersions_InstallationFragment } from '../../../generated/graphql';
import { Time } from '../../ui/Time';
import { DRIFT_LOOK, DRIFT_WORD, driftOf } from '../compare';
import { LabelChips } from './LabelChips';

export interface ComparedRelease {
  trackName: string;
  version: string;
  components: readonly { application: { id: string; slug: string; name: string }; artifact?: { version: string } | null }[];
}

export interface InstallationVersionsProps {
  installation: InstallationRow_InstallationFragment & RunningVersions_InstallationFragment;
  /** The newest locked release of the track that runs here completely; undefined while no track is chosen. */
  matchingRelease?: { version: string } | null;
  trackName?: string;
  release: ComparedRelease | null;
  onOpenDeployment: (deploymentId: string) => void;
}

/** One installation on the tenant page: what runs there, since when, which release it matches and its drift. */
export function InstallationVersions({
  installation,
  matchingRelease,
  trackName,
  release,
  onOpenDeployment,
}: InstallationVersionsProps) {
  const running = new Map(installation.running.map((entry) => [entry.application.id, entry]));
  const wanted = new Map(release?.components.map((c) => [c.application.id, c.artifact?.version ?? null]) ?? []);
  const applications = new Map(installation.running.map((entry) => [entry.application.id, entry.application]));
  for (const component of release?.components ?? []) applications.set(component.application.id, component.application);
  const rows = [...applications.values()].sort((a, b) => a.slug.localeCompare(b.slug));
  const headingId = `installation-${installation.id}`;

  return (
    <Paper variant="outlined" component="section" aria-labelledby={headingId} sx={{ p: 2 }}>
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1} sx={{ alignItems: { sm: 'center' }, mb: 1 }}>
        <Typography id={headingId} variant="h6" component="h3" sx={{ flexGrow: 1 }}>
          <Link component={RouterLink} to={`/installations/${installation.id}`} underline="hover" color="inherit">
            {installation.name}
          </Link>{' '}
          <Typography component="span" color="text.secondary">
            ({installation.slug})
          </Typography>
        </Typography>
        <Chip label={`Tier: ${installation.tier.name}`} size="small" />
        {installation.frozen && <Chip label="Frozen" color="info" size="small" />}
      </Stack>
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ mb: 1, alignItems: { sm: 'center' } }}>
        <LabelChips labels={installation.labels} wrap />
        {matchingRelease !== undefined && trackName && (
          <Typography variant="body2">
            Matches release: <Box component="strong">{matchingRelease ? `${trackName} ${matchingRelease.version}` : 'none'}</Box>
          </Typography>
        )}
      </Stack>
      {rows.length === 0 ? (
        <Typography color="text.secondary" variant="body2">
          Nothing runs here yet.
        </Typography>
      ) : (
        <Box sx={{ overflowX: 'auto' }}>
          <Table size="small" aria-label={`Applications on ${installation.slug}`}>
            <TableHead>
              <TableRow>
                <TableCell>Application</TableCell>
                <TableCell>Running</TableCell>
                <TableCell>Since</TableCell>
                {release && <TableCell>Release {release.version}</TableCell>}
                {release && <TableCell>Drift</TableCell>}
              </TableRow>
            </TableHead>
            <TableBody>
              {rows.map((application) => {
                const entry = running.get(application.id);
                const version = entry?.artifact.version ?? null;
                const target = wanted.has(application.id) ? (wanted.get(application.id) ?? null) : undefined;
                const drift = driftOf(version, target);
                const look = DRIFT_LOOK[drift];
                return (
                  <TableRow key={application.id}>
                    <TableCell component="th" scope="row">
                      {application.name}
                    </TableCell>
                    <TableCell>
                      {entry ? (
                        <Link
                          component="button"
                          type="button"
                          onClick={() => onOpenDeployment(entry.deployment.id)}
                          aria-label={`${application.name} ${entry.artifact.version}: open the deployment`}
                        >
                          {entry.artifact.version}
                        </Link>
                      ) : (
                        '–'
                      )}
                    </TableCell>
                    <TableCell>
                      <Time value={entry?.since} />
                    </TableCell>
                    {release && <TableCell>{target ?? '–'}</TableCell>}
                    {release && (
                      <TableCell>
                        <Chip
                          label={DRIFT_WORD[drift]}
                          size="small"
                          sx={{ bgcolor: look.background, color: look.color, border: `1px solid ${look.border}` }}
                        />
                      </TableCell>
                    )}
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </Box>
      )}
    </Paper>
  );
}
