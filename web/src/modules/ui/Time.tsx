import Box from '@mui/material/Box';
import Tooltip from '@mui/material/Tooltip';
import { formatAbsolute, formatRelative, formatShort, useNow, useTimeZoneChoice } from './timeFormat';

/**
 * A moment as people read it: "5 minutes ago" (a date beyond a week), with the exact time and its zone on hover
 * and on keyboard focus; in UTC when the viewer chose so. Every time on the dashboard is shown with this.
 */
export function Time({ value, absolute = false }: { value: string | null | undefined; absolute?: boolean }) {
  const choice = useTimeZoneChoice();
  const now = useNow();
  if (!value) return <>–</>;
  const exact = formatAbsolute(value, choice);
  const shown = (absolute ? null : formatRelative(value, now)) ?? formatShort(value, choice);
  return (
    <Tooltip title={exact} describeChild>
      <Box
        component="time"
        dateTime={value}
        tabIndex={0}
        sx={{ whiteSpace: 'nowrap', textDecoration: 'underline dotted', textUnderlineOffset: 3 }}
      >
        {shown}
      </Box>
    </Tooltip>
  );
}
