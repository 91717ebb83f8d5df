import Autocomplete from '@mui/material/Autocomplete';
import type { SxProps, Theme } from '@mui/material/styles';
import TextField from '@mui/material/TextField';
import type { ReactNode } from 'react';
import type { LabelOwner } from '../../../generated/graphql';
import { matchingLabels, useLabelSuggestions } from '../hooks/useLabelSuggestions';

export interface LabelSuggestFieldProps {
  label: string;
  placeholder?: string;
  /** Whose labels to suggest. */
  of: LabelOwner;
  text: string;
  /** The person typed. */
  onType: (text: string) => void;
  /** A suggestion was chosen, Enter pressed or the field cleared: the text is complete. Typing only, if absent. */
  onCommit?: (text: string) => void;
  /** Several labels separated by commas: a suggestion completes the last one. */
  list?: boolean;
  error?: boolean;
  helperText?: ReactNode;
  sx?: SxProps<Theme>;
}

/** The labels before the one being typed ("region=eu, " of "region=eu, zo") and the one being typed. */
function splitLast(text: string, list: boolean): { done: string; typing: string } {
  const comma = list ? text.lastIndexOf(',') : -1;
  if (comma < 0) return { done: '', typing: text };
  return { done: `${text.slice(0, comma + 1)} `, typing: text.slice(comma + 1).trimStart() };
}

/** A text field for key=value labels that suggests the labels in use; any label may still be typed. */
export function LabelSuggestField({
  label,
  placeholder,
  of,
  text,
  onType,
  onCommit = onType,
  list = false,
  error,
  helperText,
  sx,
}: LabelSuggestFieldProps) {
  const { done, typing } = splitLast(text, list);
  const suggestions = useLabelSuggestions(of, typing);
  const chosen = new Set(done.split(',').map((part) => part.trim()));
  return (
    <Autocomplete
      freeSolo
      options={suggestions}
      filterOptions={(all) => matchingLabels(all, typing).filter((option) => !chosen.has(option))}
      value={null}
      inputValue={text}
      onInputChange={(_event, next, reason) => {
        if (reason === 'input') onType(next);
        else if (reason === 'clear') onCommit('');
      }}
      onChange={(_event, option, reason) => {
        if (reason === 'selectOption' && typeof option === 'string') onCommit(`${done}${option}`);
        else if (reason === 'createOption') onCommit(text);
      }}
      sx={sx}
      renderInput={(params) => (
        <TextField {...params} size="small" label={label} placeholder={placeholder} error={error} helperText={helperText} />
      )}
    />
  );
}
