import Chip, { type ChipProps } from '@mui/material/Chip';
import type { ArtifactSelection, ReleaseStatus } from '../../../generated/graphql';

const STATUS: Record<ReleaseStatus, { label: string; color: ChipProps['color'] }> = {
  DRAFT: { label: 'Draft', color: 'default' },
  LOCKED: { label: 'Locked', color: 'success' },
  ON_HOLD: { label: 'On hold', color: 'warning' },
  RESCINDED: { label: 'Rescinded', color: 'error' },
};

const SELECTION: Record<ArtifactSelection, { label: string; color: ChipProps['color'] }> = {
  NONE: { label: 'No artifacts', color: 'default' },
  PARTIAL: { label: 'Some artifacts', color: 'warning' },
  ALL: { label: 'All artifacts', color: 'success' },
};

export const RELEASE_STATUSES = Object.keys(STATUS) as ReleaseStatus[];

export function releaseStatusLabel(status: ReleaseStatus): string {
  return STATUS[status].label;
}

export function ReleaseStatusChip({ status, size = 'small' }: { status: ReleaseStatus; size?: ChipProps['size'] }) {
  const { label, color } = STATUS[status];
  return <Chip label={label} color={color} size={size} variant={status === 'DRAFT' ? 'outlined' : 'filled'} />;
}

export function ArtifactSelectionChip({ selection }: { selection: ArtifactSelection }) {
  const { label, color } = SELECTION[selection];
  return <Chip label={label} color={color} size="small" variant="outlined" />;
}
