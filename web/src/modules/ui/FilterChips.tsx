import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import { useUrlParams } from './searchParams';

export interface FilterChoice {
  key: string;
  label: string;
}

/**
 * Chips for one choice among a few, kept in the URL under `param` (the first choice is the default and leaves
 * the URL clean). Pages read the choice with `useFilterChoice`.
 */
export function FilterChips({ label, param, choices }: { label: string; param: string; choices: readonly FilterChoice[] }) {
  const { set } = useUrlParams();
  const current = useFilterChoice(param, choices);
  return (
    <Stack direction="row" spacing={1} role="group" aria-label={label} sx={{ flexWrap: 'wrap', rowGap: 1 }}>
      {choices.map((choice, index) => (
        <Chip
          key={choice.key}
          label={choice.label}
          color={choice.key === current.key ? 'primary' : 'default'}
          variant={choice.key === current.key ? 'filled' : 'outlined'}
          aria-pressed={choice.key === current.key}
          onClick={() => set({ [param]: index === 0 ? null : choice.key })}
        />
      ))}
    </Stack>
  );
}

/** The choice in force for `param`: the one the URL names, else the first. */
export function useFilterChoice<T extends FilterChoice>(param: string, choices: readonly T[]): T {
  const { params } = useUrlParams();
  return choices.find((choice) => choice.key === params.get(param)) ?? choices[0];
}
