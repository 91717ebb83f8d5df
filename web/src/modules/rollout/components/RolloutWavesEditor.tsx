import Button from '@mui/material/Button';
import IconButton from '@mui/material/IconButton';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { LabelSuggestField } from '../../fleet/components/LabelSuggestField';
import { waveProblem, type WaveDraft } from '../hooks/useRolloutForm';

const KINDS: { kind: WaveDraft['kind']; label: string; placeholder: string }[] = [
  { kind: 'count', label: 'First installations', placeholder: 'How many' },
  { kind: 'percent', label: 'Percent of installations', placeholder: '1–100' },
  { kind: 'label', label: 'Tenants labelled', placeholder: 'key=value' },
];

/** The waves before the last: each takes installations from what is left; the last wave takes the rest. */
export function RolloutWavesEditor({ waves, onChange }: { waves: WaveDraft[]; onChange: (waves: WaveDraft[]) => void }) {
  const replace = (index: number, wave: WaveDraft) => onChange(waves.map((w, i) => (i === index ? wave : w)));
  return (
    <Stack spacing={1.5}>
      {waves.length === 0 && (
        <Typography color="text.secondary" variant="body2">
          One wave: every installation may start at once, up to the parallel limit.
        </Typography>
      )}
      {waves.map((wave, index) => {
        const kind = KINDS.find((k) => k.kind === wave.kind) ?? KINDS[0];
        const problem = waveProblem(wave);
        return (
          <Stack key={index} direction={{ xs: 'column', sm: 'row' }} spacing={1} role="group" aria-label={`Wave ${index + 1}`}>
            <TextField
              select
              size="small"
              label={`Wave ${index + 1}`}
              value={wave.kind}
              onChange={(event) => replace(index, { kind: event.target.value as WaveDraft['kind'], value: '' })}
              sx={{ minWidth: 220 }}
            >
              {KINDS.map((k) => (
                <MenuItem key={k.kind} value={k.kind}>
                  {k.label}
                </MenuItem>
              ))}
            </TextField>
            {wave.kind === 'label' ? (
              <LabelSuggestField
                of="TENANT"
                label={kind.placeholder}
                text={wave.value}
                onType={(value) => replace(index, { ...wave, value })}
                error={problem !== null}
                helperText={problem ?? ' '}
                sx={{ minWidth: 260 }}
              />
            ) : (
              <TextField
                size="small"
                label={kind.placeholder}
                value={wave.value}
                onChange={(event) => replace(index, { ...wave, value: event.target.value })}
                error={problem !== null}
                helperText={problem ?? ' '}
                slotProps={{ htmlInput: { inputMode: 'numeric' } }}
              />
            )}
            <IconButton aria-label={`Remove wave ${index + 1}`} onClick={() => onChange(waves.filter((_w, i) => i !== index))}>
              <span aria-hidden>×</span>
            </IconButton>
          </Stack>
        );
      })}
      {waves.length > 0 && (
        <Typography color="text.secondary" variant="body2">
          Wave {waves.length + 1} takes every installation left. After each wave the rollout waits to be promoted.
        </Typography>
      )}
      <div>
        <Button size="small" onClick={() => onChange([...waves, { kind: 'count', value: '' }])}>
          Add a wave
        </Button>
      </div>
    </Stack>
  );
}
