import type { SxProps, Theme } from '@mui/material/styles';
import TextField from '@mui/material/TextField';
import { useEffect, useRef, useState } from 'react';

export interface DebouncedText {
  /** What the field shows. */
  text: string;
  /** The person typed: shown at once, searched once typing pauses. */
  type: (next: string) => void;
  /** Searches `next` (shown as well) at once, e.g. on Enter or a chosen suggestion. */
  commit: (next: string) => void;
}

/**
 * The text of a search field that follows a value kept elsewhere (e.g. the URL): typing shows at once and calls
 * `onSearch` with the trimmed text once it pauses for `delayMs`; a change of `value` from outside (back/forward,
 * "Clear filters") replaces the text.
 */
export function useDebouncedText(value: string, onSearch: (value: string) => void, delayMs = 300): DebouncedText {
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

  return {
    text,
    type: (next) => {
      setText(next);
      schedule(next, delayMs);
    },
    commit: (next) => {
      setText(next);
      schedule(next, 0);
    },
  };
}

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
  const { text, type, commit } = useDebouncedText(value, onSearch, delayMs);
  return (
    <TextField
      type="search"
      label={label}
      placeholder={placeholder}
      value={text}
      size="small"
      autoComplete="off"
      onChange={(event) => type(event.target.value)}
      onKeyDown={(event) => {
        if (event.key === 'Enter') commit(text);
      }}
      sx={sx}
    />
  );
}
