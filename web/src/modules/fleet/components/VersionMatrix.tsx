import Box from '@mui/material/Box';
import Link from '@mui/material/Link';
import Typography from '@mui/material/Typography';
import { Link as RouterLink } from 'react-router';
import type { MatrixInstallationsQuery } from '../../../generated/graphql';
import { DRIFT_LOOK, driftOf } from '../compare';
import { VirtualTable } from './VirtualTable';

type MatrixInstallation = MatrixInstallationsQuery['installations']['nodes'][number];

export interface MatrixApplication {
  id: string;
  slug: string;
  name: string;
}

export interface VersionMatrixProps {
  installations: readonly MatrixInstallation[];
  applications: readonly MatrixApplication[];
  /** application id → the compared release's version; an application that is not a key is not in the release. */
  releaseVersions: ReadonlyMap<string, string | null>;
  totalCount: number;
  hasMore: boolean;
  onNearEnd: () => unknown;
  onOpenDeployment: (deploymentId: string) => void;
  busy: boolean;
}

const ARROWS: Record<string, [number, number]> = {
  ArrowUp: [-1, 0],
  ArrowDown: [1, 0],
  ArrowLeft: [0, -1],
  ArrowRight: [0, 1],
};

/** Arrow keys move between cells, as in a spreadsheet; Tab still walks through them in order. */
function moveFocus(event: React.KeyboardEvent<HTMLElement>) {
  const delta = ARROWS[event.key];
  if (!delta) return;
  const row = Number(event.currentTarget.dataset.row) + delta[0];
  const column = Number(event.currentTarget.dataset.column) + delta[1];
  const next = event.currentTarget
    .closest('[role="table"]')
    ?.querySelector<HTMLElement>(`[data-row="${row}"][data-column="${column}"]`);
  if (!next) return;
  event.preventDefault();
  next.focus();
  next.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
}

const FIRST_COLUMN = 220;

/**
 * The installation column stays in view while the versions scroll sideways. It reaches over the row's left
 * padding so that cells passing beneath it are hidden, and carries a solid background for the same reason.
 */
const PINNED = {
  position: 'sticky',
  left: 0,
  zIndex: 1,
  alignSelf: 'stretch',
  display: 'flex',
  alignItems: 'center',
  gap: 0.5,
  ml: -2,
  pl: 2,
  bgcolor: 'background.paper',
  borderRight: 1,
  borderColor: 'divider',
} as const;
const COLUMN = 120;

/** Applications × installations; each cell the running version, coloured by how it compares with the release. */
export function VersionMatrix({
  installations,
  applications,
  releaseVersions,
  totalCount,
  hasMore,
  onNearEnd,
  onOpenDeployment,
  busy,
}: VersionMatrixProps) {
  return (
    <VirtualTable
      label="What runs where"
      count={installations.length}
      totalCount={totalCount}
      hasMore={hasMore}
      onNearEnd={onNearEnd}
      rowHeight={48}
      columns={`${FIRST_COLUMN}px repeat(${applications.length}, minmax(${COLUMN}px, 1fr))`}
      minWidth={FIRST_COLUMN + applications.length * (COLUMN + 16) + 32}
      busy={busy}
      header={
        <>
          <Typography
            role="columnheader"
            variant="body2"
            // The same grey as the header row behind it, in either scheme.
            sx={[
              { ...PINNED, fontWeight: 600, bgcolor: 'grey.100' },
              (theme) => theme.applyStyles('dark', { bgcolor: 'grey.900' }),
            ]}
          >
            Installation
          </Typography>
          {applications.map((application) => (
            <Typography
              key={application.id}
              role="columnheader"
              variant="body2"
              title={`${application.name} (${application.slug})`}
              sx={{ fontWeight: 600, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}
            >
              {application.name}
            </Typography>
          ))}
        </>
      }
      renderRow={(index) => {
        const installation = installations[index];
        const where = `${installation.tenant.slug} / ${installation.slug}`;
        const running = new Map(installation.running.map((entry) => [entry.application.id, entry]));
        return (
          <>
            <Box
              role="rowheader"
              sx={{ ...PINNED, minWidth: 0, overflow: 'hidden', whiteSpace: 'nowrap', textOverflow: 'ellipsis' }}
            >
              <Link component={RouterLink} to={`/installations/${installation.id}`} variant="body2" sx={{ fontWeight: 600 }}>
                {where}
              </Link>{' '}
              <Typography component="span" variant="caption" color="text.secondary">
                {installation.tier.name}
              </Typography>
            </Box>
            {applications.map((application, column) => {
              const entry = running.get(application.id);
              const version = entry?.artifact.version ?? null;
              const wanted = releaseVersions.has(application.id) ? (releaseVersions.get(application.id) ?? null) : undefined;
              const drift = driftOf(version, wanted);
              const look = DRIFT_LOOK[drift];
              const releaseNote = wanted && drift !== 'SAME' && drift !== 'MISSING' ? ` ${wanted}` : '';
              const label = version
                ? `${where}: ${application.name} ${version}, ${look.phrase}${releaseNote}`
                : `${where}: ${application.name} ${drift === 'MISSING' ? `missing, release has ${wanted}` : 'not installed'}`;
              const sx = {
                height: 32,
                minWidth: 0,
                px: 1,
                borderRadius: 1,
                border: `1px solid ${look.border}`,
                bgcolor: look.background,
                color: look.color,
                font: 'inherit',
                fontSize: 13,
                fontWeight: 600,
                textAlign: 'left',
                overflow: 'hidden',
                textOverflow: 'ellipsis',
                whiteSpace: 'nowrap',
                '&:focus-visible': { outline: '2px solid', outlineColor: 'primary.main', outlineOffset: 1 },
              } as const;
              return (
                <Box key={application.id} role="cell" sx={{ minWidth: 0 }}>
                  {entry ? (
                    <Box
                      component="button"
                      type="button"
                      aria-label={label}
                      title={label}
                      data-row={index}
                      data-column={column}
                      onKeyDown={moveFocus}
                      onClick={() => onOpenDeployment(entry.deployment.id)}
                      sx={{ ...sx, width: '100%', cursor: 'pointer' }}
                    >
                      {version}
                    </Box>
                  ) : (
                    <Box
                      tabIndex={0}
                      aria-label={label}
                      title={label}
                      data-row={index}
                      data-column={column}
                      onKeyDown={moveFocus}
                      sx={{ ...sx, display: 'flex', alignItems: 'center' }}
                    >
                      –
                    </Box>
                  )}
                </Box>
              );
            })}
          </>
        );
      }}
    />
  );
}
