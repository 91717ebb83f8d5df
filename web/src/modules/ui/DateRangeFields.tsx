import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';

/** "From" and "To" days (both included), as YYYY-MM-DD; an empty field is no bound. */
export function DateRangeFields({
  from,
  to,
  onChange,
  what,
}: {
  from: string | null;
  to: string | null;
  onChange: (range: { from: string | null; to: string | null }) => void;
  /** What the days bound, for the labels, e.g. "Queued". */
  what: string;
}) {
  return (
    <Stack direction="row" spacing={1}>
      <TextField
        type="date"
        size="small"
        label={`${what} from`}
        value={from ?? ''}
        onChange={(event) => onChange({ from: event.target.value || null, to })}
        slotProps={{ inputLabel: { shrink: true }, htmlInput: { max: to ?? undefined } }}
      />
      <TextField
        type="date"
        size="small"
        label={`${what} to`}
        value={to ?? ''}
        onChange={(event) => onChange({ from, to: event.target.value || null })}
        slotProps={{ inputLabel: { shrink: true }, htmlInput: { min: from ?? undefined } }}
      />
    </Stack>
  );
}
