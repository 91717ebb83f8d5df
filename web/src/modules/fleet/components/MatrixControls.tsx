import Autocomplete from '@mui/material/Autocomplete';
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import { DRIFT_LOOK } from '../compare';
import { DRIFT_CHOICES, type MatrixQuery } from '../hooks/useMatrixQuery';
import type { MatrixApplication } from './VersionMatrix';

const DRIFT_NAMES = { BEHIND: DRIFT_LOOK.BEHIND, AHEAD: DRIFT_LOOK.AHEAD, MISSING: DRIFT_LOOK.MISSING } as const;

export interface MatrixControlsProps {
  query: MatrixQuery;
  /** The applications to choose from: the release's and those running on the installations shown. */
  options: readonly MatrixApplication[];
  /** The compared release's name ("Product 1.4.0"), or null when there is none: drift needs one. */
  releaseName: string | null;
  onExport: () => void;
  exporting: boolean;
  exported: number;
}

/** Which applications, which drift from the release, which order; and the CSV of it all. */
export function MatrixControls({ query, options, releaseName, onExport, exporting, exported }: MatrixControlsProps) {
  const chosen = query.applications.map(
    (slug) => options.find((option) => option.slug === slug) ?? { id: slug, slug, name: slug },
  );
  return (
    <Stack direction="row" useFlexGap spacing={1.5} sx={{ flexWrap: 'wrap', alignItems: 'center' }}>
      <Autocomplete
        multiple
        size="small"
        options={options}
        value={chosen}
        getOptionLabel={(option) => option.name}
        isOptionEqualToValue={(option, value) => option.slug === value.slug}
        onChange={(_, value) => query.setApplications(value.map((option) => option.slug))}
        renderInput={(params) => <TextField {...params} label="Applications" placeholder={chosen.length ? '' : 'All'} />}
        sx={{ minWidth: 260, flexGrow: { md: 1 }, maxWidth: 520 }}
      />
      <Stack spacing={0.25}>
        <Typography id="matrix-drift-label" variant="caption" color="text.secondary">
          {releaseName ? `Compared with ${releaseName}` : 'Choose a release to compare'}
        </Typography>
        <ToggleButtonGroup
          size="small"
          aria-labelledby="matrix-drift-label"
          value={query.states}
          onChange={(_, value: string[]) => query.setStates(value)}
          disabled={!releaseName}
        >
          {DRIFT_CHOICES.map((state) => (
            <ToggleButton key={state} value={state} sx={{ textTransform: 'none', px: 1.5 }}>
              {DRIFT_NAMES[state].label}
            </ToggleButton>
          ))}
        </ToggleButtonGroup>
      </Stack>
      <TextField
        select
        size="small"
        label="Sort by"
        value={query.sort}
        onChange={(event) => query.setSort(event.target.value)}
        sx={{ minWidth: 170 }}
      >
        <MenuItem value="tenant">Tenant</MenuItem>
        <MenuItem value="installation">Installation</MenuItem>
        <MenuItem value="drift" disabled={!releaseName}>
          Most drift first
        </MenuItem>
      </TextField>
      <Button variant="outlined" onClick={onExport} disabled={exporting}>
        {exporting ? `Preparing CSV… ${exported}` : 'Download CSV'}
      </Button>
    </Stack>
  );
}
