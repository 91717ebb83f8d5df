import Chip from '@mui/material/Chip';
import type { DeploymentStatus } from '../../../generated/graphql';

const COLOR: Record<DeploymentStatus, 'default' | 'info' | 'success' | 'error' | 'warning'> = {
  QUEUED: 'default',
  IN_PROGRESS: 'info',
  SUCCEEDED: 'success',
  FAILED: 'error',
  SKIPPED: 'default',
  CANCELLED: 'warning',
};

export function deploymentStatusLabel(status: DeploymentStatus): string {
  const text = status.toLowerCase().replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function isDeploymentFinished(status: DeploymentStatus): boolean {
  return status !== 'QUEUED' && status !== 'IN_PROGRESS';
}

export function DeploymentStatusChip({ status, size = 'small' }: { status: DeploymentStatus; size?: 'small' | 'medium' }) {
  return <Chip label={deploymentStatusLabel(status)} color={COLOR[status]} size={size} />;
}
