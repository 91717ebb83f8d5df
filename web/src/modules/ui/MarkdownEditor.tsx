import Box from '@mui/material/Box';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import TextField from '@mui/material/TextField';
import { useId, useState } from 'react';
import { Markdown } from './Markdown';

export interface MarkdownEditorProps {
  /** The field's accessible name, e.g. "Release instructions". */
  label: string;
  value: string;
  onChange: (value: string) => void;
  minRows?: number;
  disabled?: boolean;
}

/** A Markdown text field with a Write / Preview switch. */
export function MarkdownEditor({ label, value, onChange, minRows = 4, disabled }: MarkdownEditorProps) {
  const [tab, setTab] = useState<'write' | 'preview'>('write');
  const id = useId();
  return (
    <Box>
      <Tabs
        value={tab}
        onChange={(_, next: 'write' | 'preview') => setTab(next)}
        aria-label={`${label}: write or preview`}
        sx={{ minHeight: 36, '& .MuiTab-root': { minHeight: 36, py: 0.5 } }}
      >
        <Tab label="Write" value="write" id={`${id}-write`} aria-controls={`${id}-panel`} />
        <Tab label="Preview" value="preview" id={`${id}-preview`} aria-controls={`${id}-panel`} />
      </Tabs>
      <Box id={`${id}-panel`} role="tabpanel" aria-labelledby={`${id}-${tab}`} sx={{ pt: 1 }}>
        {tab === 'write' ? (
          <TextField
            label={label}
            value={value}
            onChange={(event) => onChange(event.target.value)}
            multiline
            minRows={minRows}
            fullWidth
            disabled={disabled}
            helperText="Markdown: **bold**, _italic_, `code`, lists, links. HTML is not rendered."
          />
        ) : (
          <Box
            aria-label={`${label} preview`}
            role="region"
            sx={{ border: 1, borderColor: 'divider', borderRadius: 1, p: 2, minHeight: 80 }}
          >
            <Markdown source={value} />
          </Box>
        )}
      </Box>
    </Box>
  );
}
