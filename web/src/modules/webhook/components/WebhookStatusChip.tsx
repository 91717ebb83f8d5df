import Chip from '@mui/material/Chip';

/** Enabled, disabled by a person, or disabled by Shiplog (which needs someone's attention). */
export function WebhookStatusChip({ enabled, disabledReason }: { enabled: boolean; disabledReason?: string | null }) {
  if (enabled) return <Chip size="small" color="success" variant="outlined" label="Enabled" />;
  if (disabledReason) return <Chip size="small" color="error" label="Disabled by Shiplog" />;
  return <Chip size="small" variant="outlined" label="Disabled" />;
}
