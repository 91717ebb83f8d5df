import Chip from '@mui/material/Chip';
import FormControlLabel from '@mui/material/FormControlLabel';
import Switch from '@mui/material/Switch';
import { useUrlParams } from '../../ui/searchParams';

/** Whether the list shows archived objects too; kept in the URL (`archived=1`) like the other filters. */
export function useShowArchived(): [boolean, (show: boolean) => void] {
  const { get, set } = useUrlParams();
  return [get('archived') === '1', (show: boolean) => set({ archived: show ? '1' : null })];
}

export function ShowArchivedSwitch({ value, onChange }: { value: boolean; onChange: (show: boolean) => void }) {
  return (
    <FormControlLabel
      control={<Switch checked={value} onChange={(event) => onChange(event.target.checked)} />}
      label="Show archived"
    />
  );
}

/** Marks an archived object in a list. */
export function ArchivedChip({ label = 'Archived' }: { label?: string }) {
  return <Chip label={label} size="small" color="default" variant="filled" />;
}
