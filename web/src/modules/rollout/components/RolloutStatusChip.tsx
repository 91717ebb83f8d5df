import Chip, { type ChipProps } from '@mui/material/Chip';
import type { RolloutStatus } from '../../../generated/graphql';

const STATUS: Record<RolloutStatus, { label: string; color: ChipProps['color'] }> = {
  PENDING: { label: 'Pending', color: 'default' },
  RUNNING: { label: 'Running', color: 'info' },
  WAITING_FOR_PROMOTION: { label: 'Waiting for promotion', color: 'warning' },
  PAUSED: { label: 'Paused', color: 'warning' },
  SUCCEEDED: { label: 'Succeeded', color: 'success' },
  FAILED: { label: 'Failed', color: 'error' },
  ABORTED: { label: 'Aborted', color: 'error' },
};

export function isRolloutFinished(status: RolloutStatus): boolean {
  return status === 'SUCCEEDED' || status === 'FAILED' || status === 'ABORTED';
}

export function RolloutStatusChip({ status, size = 'small' }: { status: RolloutStatus; size?: ChipProps['size'] }) {
  const { label, color } = STATUS[status];
  return <Chip label={label} color={color} size={size} variant={status === 'PENDING' ? 'outlined' : 'filled'} />;
}
