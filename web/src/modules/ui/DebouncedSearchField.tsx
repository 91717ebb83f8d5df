import type { SxProps, Theme } from '@mui/material/styles';
import TextField from '@mui/material/TextField';
import { useEffect, useRef, useState } from 'react';

export interface DebouncedSearchFieldProps {
  label: string;
  /** The search in force (e.g. from the URL); the field follows it when it changes from outside. */
  value: string;
  /** Called with the trimmed text once typing pauses for `delayMs`, or at once on Enter. */
  onSearch: (value: string) => void;
  delayMs?: number;
  placeholder?: string;
  sx?: SxProps<Theme>;
}

export function DebouncedSearchField({
  label,
  value,
  onSearch,
  delayMs = 300,
  placeholder,
  sx = { minWidth: { sm: 320 } },
}: DebouncedSearchFieldProps) {
  const [text, setText] = useState(value);
  const [followed, setFollowed] = useState(value);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  // Back/forward navigation changes `value` under the field; typing "a " must not lose its trailing space.
  if (value !== followed) {
    setFollowed(value);
    if (value !== text.trim()) setText(value);
  }

  useEffect(() => () => clearTimeout(timer.current), []);

  const schedule = (next: string, delay: number) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => onSearch(next.trim()), delay);
  };

  return (
    <TextField
      type="search"
      label={label}
      placeholder={placeholder}
      value={text}
      size="small"
      autoComplete="off"
      onChange={(event) => {
        setText(event.target.value);
        schedule(event.target.value, delayMs);
      }}
      onKeyDown={(event) => {
        if (event.key === 'Enter') schedule(text, 0);
      }}
      sx={sx}
    />
  );
}
