import Chip from '@mui/material/Chip';
import { useSyncExternalStore } from 'react';
import { subscribeToWsConnection, wsConnectionState } from '../../apollo/client';

const LABEL = { connected: 'Live', connecting: 'Connecting…', closed: 'Offline' } as const;

/** Whether live updates arrive: the state of the subscription socket. */
export function ConnectionIndicator() {
  const state = useSyncExternalStore(subscribeToWsConnection, wsConnectionState);
  return (
    <Chip
      role="status"
      aria-label="Live updates"
      label={LABEL[state]}
      size="small"
      variant="outlined"
      color={state === 'connected' ? 'success' : state === 'connecting' ? 'warning' : 'default'}
      icon={
        <span
          aria-hidden
          style={{
            width: 8,
            height: 8,
            marginLeft: 8,
            borderRadius: '50%',
            background: state === 'connected' ? '#2e7d32' : state === 'connecting' ? '#ed6c02' : '#9e9e9e',
          }}
        />
      }
    />
  );
}
