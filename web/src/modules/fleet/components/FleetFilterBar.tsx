import { useQuery } from '@apollo/client/react';
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { FleetTiersDocument, type LabelOwner } from '../../../generated/graphql';
import { DebouncedSearchField, useDebouncedText } from '../../ui/DebouncedSearchField';
import { LabelSuggestField } from './LabelSuggestField';
import type { FilterKey, useFleetFilters } from '../hooks/useFleetFilters';

type Filters = ReturnType<typeof useFleetFilters>;

export interface FleetFilterBarProps {
  filters: Filters;
  /** Which fields to offer, in order, with their labels; a label field suggests the labels in use on `suggest`. */
  fields: readonly { key: FilterKey; label: string; placeholder?: string; suggest?: LabelOwner }[];
  /** Words for the blocked filter: what a blocked / an unblocked row is. */
  blockedWords?: { any: string; yes: string; no: string };
}

function TierField({ label, value, onChange }: { label: string; value: string; onChange: (value: string) => void }) {
  const { data, error } = useQuery(FleetTiersDocument);
  const tiers = data?.environmentTiers ?? [];
  return (
    <TextField
      select
      size="small"
      label={label}
      value={tiers.some((tier) => tier.name === value) || !data ? value : ''}
      onChange={(event) => onChange(event.target.value)}
      helperText={error ? 'Could not load the tiers' : undefined}
      error={!!error}
      sx={{ minWidth: 150 }}
    >
      <MenuItem value="">Any tier</MenuItem>
      {value && !data && <MenuItem value={value}>{value}</MenuItem>}
      {tiers.map((tier) => (
        <MenuItem key={tier.id} value={tier.name}>
          {tier.name}
        </MenuItem>
      ))}
    </TextField>
  );
}

/** key=value labels separated by commas, with the labels in use suggested; searched once typing pauses. */
function LabelFilterField({
  label,
  placeholder,
  of,
  value,
  onSearch,
}: {
  label: string;
  placeholder?: string;
  of: LabelOwner;
  value: string;
  onSearch: (value: string) => void;
}) {
  const { text, type, commit } = useDebouncedText(value, onSearch);
  return (
    <LabelSuggestField
      list
      of={of}
      label={label}
      placeholder={placeholder}
      text={text}
      onType={type}
      onCommit={commit}
      sx={{ width: { xs: '100%', sm: 260 } }}
    />
  );
}

/** The fleet filters as fields; every change goes to the URL. */
export function FleetFilterBar({ filters, fields, blockedWords }: FleetFilterBarProps) {
  const words = blockedWords ?? { any: 'Any tenant', yes: 'Blocked tenants', no: 'Active tenants' };
  const errors = Object.entries(filters.labelErrors).filter(([key, error]) => error && fields.some((f) => f.key === key));
  return (
    <Stack spacing={1}>
      <Stack
        direction="row"
        useFlexGap
        spacing={1.5}
        sx={{ flexWrap: 'wrap', alignItems: 'center' }}
        role="search"
        aria-label="Filters"
      >
        {fields.map(({ key, label, placeholder, suggest }) => {
          if (key === 'tier')
            return <TierField key={key} label={label} value={filters.values.tier} onChange={(v) => filters.set('tier', v)} />;
          if (key === 'blocked')
            return (
              <TextField
                key={key}
                select
                size="small"
                label={label}
                value={filters.values.blocked}
                onChange={(event) => filters.set('blocked', event.target.value)}
                sx={{ minWidth: 160 }}
              >
                <MenuItem value="">{words.any}</MenuItem>
                <MenuItem value="yes">{words.yes}</MenuItem>
                <MenuItem value="no">{words.no}</MenuItem>
              </TextField>
            );
          if (suggest)
            return (
              <LabelFilterField
                key={key}
                label={label}
                placeholder={placeholder}
                of={suggest}
                value={filters.values[key]}
                onSearch={(value) => filters.set(key, value)}
              />
            );
          return (
            <DebouncedSearchField
              key={key}
              label={label}
              placeholder={placeholder}
              value={filters.values[key]}
              onSearch={(value) => filters.set(key, value)}
            />
          );
        })}
        {filters.active && (
          <Button onClick={filters.clear} size="small">
            Clear filters
          </Button>
        )}
      </Stack>
      {errors.map(([key, error]) => (
        <Typography key={key} role="alert" color="error" variant="body2">
          {fields.find((f) => f.key === key)?.label}: {error}; write labels as key=value, separated by commas.
        </Typography>
      ))}
    </Stack>
  );
}
