import { NetworkStatus } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import Link from '@mui/material/Link';
import ListItemText from '@mui/material/ListItemText';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { ApplicationArtifactsDocument } from '../../../generated/graphql';
import { describeError } from '../../apollo/errors';
import { Time } from '../../ui/Time';

const PAGE = 25;
const NONE = '';
const MORE = '\u0000more';

export function shortSha(sha: string | null | undefined): string | null {
  return sha ? sha.slice(0, 10) : null;
}

/**
 * Chooses one of an application's registered artifacts, newest registration first, each with its commit; the
 * chosen one's build is linked beside the field.
 */
export function ArtifactPicker({
  applicationSlug,
  applicationName,
  value,
  onChange,
  disabled,
}: {
  applicationSlug: string;
  applicationName: string;
  value: string | null;
  onChange: (version: string | null) => void;
  disabled?: boolean;
}) {
  const { data, error, loading, networkStatus, fetchMore } = useQuery(ApplicationArtifactsDocument, {
    variables: { slug: applicationSlug, first: PAGE },
    notifyOnNetworkStatusChange: true,
  });
  const connection = data?.application?.artifacts;
  const artifacts = connection?.nodes ?? [];
  const chosen = artifacts.find((artifact) => artifact.version === value);
  const loadingMore = networkStatus === NetworkStatus.fetchMore;

  let helperText: string | undefined;
  if (error) helperText = `Could not load versions: ${describeError(error)}`;
  else if (loading && !connection) helperText = 'Loading versions…';
  else if (connection && connection.totalCount === 0) helperText = 'No artifact registered yet';
  else if (connection) helperText = `${connection.totalCount} registered, newest first`;

  return (
    <Stack spacing={0.5} sx={{ minWidth: 220, flex: '1 1 260px' }}>
      <TextField
        select
        size="small"
        label={`Artifact for ${applicationName}`}
        value={value ?? NONE}
        disabled={disabled}
        error={error !== undefined}
        helperText={helperText}
        onChange={(event) => {
          const next = event.target.value;
          if (next === MORE) {
            void fetchMore({ variables: { after: connection?.pageInfo.endCursor } });
            return;
          }
          onChange(next === NONE ? null : next);
        }}
        slotProps={{
          select: {
            renderValue: (selected) =>
              selected === NONE ? (
                <Typography component="span" color="warning.main">
                  No artifact chosen
                </Typography>
              ) : (
                String(selected)
              ),
            displayEmpty: true,
          },
          inputLabel: { shrink: true },
        }}
      >
        <MenuItem value={NONE}>
          <ListItemText primary="No artifact chosen" />
        </MenuItem>
        {value && !chosen && (
          <MenuItem value={value}>
            <ListItemText primary={value} secondary="Chosen earlier" />
          </MenuItem>
        )}
        {artifacts.map((artifact) => (
          <MenuItem key={artifact.id} value={artifact.version}>
            <ListItemText
              primary={artifact.version}
              secondary={
                <>
                  {shortSha(artifact.commitSha) ? `commit ${shortSha(artifact.commitSha)} · ` : ''}registered{' '}
                  <Time value={artifact.createdAt} />
                </>
              }
            />
          </MenuItem>
        ))}
        {connection?.pageInfo.hasNextPage && (
          <MenuItem value={MORE} disabled={loadingMore}>
            <ListItemText primary={loadingMore ? 'Loading…' : 'Show older versions'} />
          </MenuItem>
        )}
      </TextField>
      {chosen && (
        <Stack direction="row" spacing={1.5} sx={{ alignItems: 'baseline', flexWrap: 'wrap', pl: 1.5 }}>
          {chosen.commitSha && (
            <Typography variant="caption" sx={{ fontFamily: 'monospace' }} title={chosen.commitSha}>
              commit {shortSha(chosen.commitSha)}
            </Typography>
          )}
          {chosen.buildUrl && (
            <Link variant="caption" href={chosen.buildUrl} target="_blank" rel="noreferrer">
              Build of {chosen.version}
            </Link>
          )}
        </Stack>
      )}
    </Stack>
  );
}
