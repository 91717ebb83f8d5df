import { useQuery } from '@apollo/client/react';
import Autocomplete from '@mui/material/Autocomplete';
import Chip from '@mui/material/Chip';
import FormControlLabel from '@mui/material/FormControlLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useMemo, useState } from 'react';
import { InstallationOptionsDocument, TenantOptionsDocument } from '../../../generated/graphql';
import { matchingLabels, useLabelSuggestions } from '../../fleet/hooks/useLabelSuggestions';
import { useDebounced } from '../../ui/useDebounced';
import { parseLabel, type RolloutForm } from '../hooks/useRolloutForm';

export function TenantPicker({ value, onChange }: { value: string[]; onChange: (slugs: string[]) => void }) {
  const [input, setInput] = useState('');
  const search = useDebounced(input.trim());
  const { data, loading } = useQuery(TenantOptionsDocument, { variables: { search: search || null } });
  const options = data?.tenants.nodes.map((tenant) => tenant.slug) ?? [];
  return (
    <Autocomplete
      multiple
      options={options}
      value={value}
      loading={loading}
      filterOptions={(all) => all}
      filterSelectedOptions
      inputValue={input}
      onInputChange={(_event, next) => setInput(next)}
      onChange={(_event, next) => onChange(next)}
      renderInput={(params) => <TextField {...params} label="Tenants" placeholder="Search tenants" />}
    />
  );
}

interface InstallationOption {
  id: string;
  label: string;
}

function InstallationPicker({ value, onChange }: { value: string[]; onChange: (ids: string[]) => void }) {
  const [input, setInput] = useState('');
  const search = useDebounced(input.trim());
  const found = useQuery(InstallationOptionsDocument, { variables: { filter: { search: search || null } } });
  // The chosen ones are named from the server too, so a shared link shows names rather than ids.
  const chosen = useQuery(InstallationOptionsDocument, { variables: { filter: { ids: value } }, skip: value.length === 0 });
  const label = (node: { slug: string; tenant: { slug: string }; tier: { name: string } }) =>
    `${node.tenant.slug} / ${node.slug} (${node.tier.name})`;

  const options: InstallationOption[] = (found.data?.installations.nodes ?? []).map((node) => ({
    id: node.id,
    label: label(node),
  }));
  // The same array until the choice or its names change: the Autocomplete clears the text being typed whenever
  // its value changes, and a new array each render (say, when the first options arrive) counts as a change.
  const selected: InstallationOption[] = useMemo(() => {
    const named = new Map((chosen.data?.installations.nodes ?? []).map((node) => [node.id, label(node)]));
    return value.map((id) => ({ id, label: named.get(id) ?? id }));
  }, [value, chosen.data]);
  return (
    <Autocomplete
      multiple
      options={options}
      value={selected}
      loading={found.loading}
      filterOptions={(all) => all}
      filterSelectedOptions
      isOptionEqualToValue={(option, chosenOption) => option.id === chosenOption.id}
      inputValue={input}
      onInputChange={(_event, next) => setInput(next)}
      onChange={(_event, next) => onChange(next.map((option) => option.id))}
      renderInput={(params) => <TextField {...params} label="Installations" placeholder="Search installations" />}
    />
  );
}

function LabelPicker({ value, onChange }: { value: string[]; onChange: (labels: string[]) => void }) {
  const [input, setInput] = useState('');
  const invalid = input.trim() !== '' && parseLabel(input) === null;
  // Labels tenants carry now, so a typo ("cohort=earyadopter") is less likely; any key=value may still be typed.
  const options = useLabelSuggestions('TENANT', input);
  return (
    <Autocomplete
      multiple
      freeSolo
      options={options}
      filterOptions={(all, state) => matchingLabels(all, state.inputValue)}
      filterSelectedOptions
      value={value}
      inputValue={input}
      onInputChange={(_event, next) => setInput(next)}
      onChange={(_event, next) => onChange(next.filter((text) => parseLabel(text) !== null))}
      renderValue={(labels, getItemProps) =>
        labels.map((text, index) => {
          const { key, ...itemProps } = getItemProps({ index });
          return <Chip key={key} label={text} size="small" {...itemProps} />;
        })
      }
      renderInput={(params) => (
        <TextField
          {...params}
          label="Tenant labels"
          placeholder="key=value, then Enter"
          error={invalid}
          helperText={invalid ? 'Write a label as key=value' : 'Tenants carrying all of these labels'}
        />
      )}
    />
  );
}

/** Which installations the rollout reaches: a selector of tenants, labels and tiers, or installations one by one. */
export function RolloutTargetChooser({
  form,
  tiers,
  onChange,
}: {
  form: RolloutForm;
  tiers: readonly string[];
  onChange: (change: Partial<RolloutForm>) => void;
}) {
  return (
    <Stack spacing={2}>
      <RadioGroup
        row
        aria-label="Choose installations"
        value={form.mode}
        onChange={(event) => onChange({ mode: event.target.value as RolloutForm['mode'] })}
      >
        <FormControlLabel value="selector" control={<Radio />} label="By tenant, label and tier" />
        <FormControlLabel value="installations" control={<Radio />} label="Installations one by one" />
      </RadioGroup>
      {form.mode === 'selector' ? (
        <>
          <TenantPicker value={form.tenantSlugs} onChange={(tenantSlugs) => onChange({ tenantSlugs })} />
          <LabelPicker value={form.tenantLabels} onChange={(tenantLabels) => onChange({ tenantLabels })} />
          <Stack direction="row" spacing={1} role="group" aria-label="Tiers" sx={{ flexWrap: 'wrap', rowGap: 1 }}>
            {tiers.map((tier) => {
              const on = form.tiers.includes(tier);
              return (
                <Chip
                  key={tier}
                  label={tier}
                  color={on ? 'primary' : 'default'}
                  variant={on ? 'filled' : 'outlined'}
                  aria-pressed={on}
                  onClick={() => onChange({ tiers: on ? form.tiers.filter((t) => t !== tier) : [...form.tiers, tier] })}
                />
              );
            })}
          </Stack>
        </>
      ) : (
        <InstallationPicker value={form.installationIds} onChange={(installationIds) => onChange({ installationIds })} />
      )}
    </Stack>
  );
}
