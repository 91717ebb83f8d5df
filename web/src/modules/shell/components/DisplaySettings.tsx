import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Popover from '@mui/material/Popover';
import Stack from '@mui/material/Stack';
import { useColorScheme } from '@mui/material/styles';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import { useId, useState } from 'react';
import { setTimeZoneChoice, useTimeZoneChoice, type TimeZoneChoice } from '../../ui/timeFormat';

type Mode = 'system' | 'light' | 'dark';

/** The top bar's display settings: colour scheme (system, light, dark) and the zone times are shown in. */
export function DisplaySettings() {
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const { mode, setMode } = useColorScheme();
  const zone = useTimeZoneChoice();
  const themeLabel = useId();
  const timeLabel = useId();
  const popoverId = useId();

  return (
    <>
      <Button
        color="inherit"
        aria-haspopup="dialog"
        aria-expanded={anchor !== null}
        aria-controls={anchor ? popoverId : undefined}
        onClick={(event) => setAnchor(event.currentTarget)}
      >
        Display
      </Button>
      <Popover
        id={popoverId}
        open={anchor !== null}
        anchorEl={anchor}
        onClose={() => setAnchor(null)}
        anchorOrigin={{ vertical: 'bottom', horizontal: 'right' }}
        transformOrigin={{ vertical: 'top', horizontal: 'right' }}
        slotProps={{ paper: { role: 'dialog', 'aria-label': 'Display settings' } }}
      >
        <Stack spacing={2} sx={{ p: 2 }}>
          <Box>
            <Typography id={themeLabel} variant="subtitle2" gutterBottom>
              Theme
            </Typography>
            <ToggleButtonGroup
              exclusive
              size="small"
              value={mode ?? 'system'}
              aria-labelledby={themeLabel}
              onChange={(_, next: Mode | null) => next && setMode(next)}
            >
              <ToggleButton value="system">System</ToggleButton>
              <ToggleButton value="light">Light</ToggleButton>
              <ToggleButton value="dark">Dark</ToggleButton>
            </ToggleButtonGroup>
          </Box>
          <Box>
            <Typography id={timeLabel} variant="subtitle2" gutterBottom>
              Times
            </Typography>
            <ToggleButtonGroup
              exclusive
              size="small"
              value={zone}
              aria-labelledby={timeLabel}
              onChange={(_, next: TimeZoneChoice | null) => next && setTimeZoneChoice(next)}
            >
              <ToggleButton value="local">Local time</ToggleButton>
              <ToggleButton value="utc">UTC</ToggleButton>
            </ToggleButtonGroup>
          </Box>
        </Stack>
      </Popover>
    </>
  );
}
