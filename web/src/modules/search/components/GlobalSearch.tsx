import { useQuery } from '@apollo/client/react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import LinearProgress from '@mui/material/LinearProgress';
import List from '@mui/material/List';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemText from '@mui/material/ListItemText';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useEffect, useId, useState } from 'react';
import { useNavigate } from 'react-router';
import { GlobalSearchDocument, type GlobalSearchQuery } from '../../../generated/graphql';
import { describeError } from '../../apollo/errors';
import { journeyPath } from '../../deployment/paths';

const RESULTS = 20;
const DEBOUNCE_MS = 150;

type Hit = GlobalSearchQuery['search'][number];

interface Shown {
  key: string;
  kind: string;
  primary: string;
  secondary: string;
  path: string;
}

function describe(hit: Hit): Shown {
  switch (hit.__typename) {
    case 'Tenant':
      return { key: `t-${hit.id}`, kind: 'Tenant', primary: hit.name, secondary: hit.slug, path: `/tenants/${hit.slug}` };
    case 'Installation':
      return {
        key: `i-${hit.id}`,
        kind: 'Installation',
        primary: `${hit.tenant.name} / ${hit.name}`,
        secondary: `${hit.tenant.slug}/${hit.slug} · ${hit.tier.name}`,
        path: `/installations/${hit.id}`,
      };
    case 'Release':
      return {
        key: `r-${hit.id}`,
        kind: 'Release',
        primary: `${hit.track.name} ${hit.version}`,
        secondary: hit.status.charAt(0) + hit.status.slice(1).toLowerCase().replace(/_/g, ' '),
        path: `/releases/${hit.id}`,
      };
    case 'Artifact':
      return {
        key: `a-${hit.id}`,
        kind: 'Artifact',
        primary: `${hit.application.name} ${hit.version}`,
        secondary: hit.digest ? hit.digest.slice(0, 19) : hit.application.slug,
        path: journeyPath(hit.application.slug, hit.version),
      };
  }
}

/** Whether a key press belongs to a field (typing "/" there types a slash). */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

function SearchDialog({ onClose }: { onClose: () => void }) {
  const navigate = useNavigate();
  const [text, setText] = useState('');
  const [debounced, setDebounced] = useState('');
  const [active, setActive] = useState(0);
  const [pendingEnter, setPendingEnter] = useState(false);
  const listId = useId();
  const optionId = (index: number) => `${listId}-option-${index}`;
  const query = debounced.trim();
  const { data, previousData, loading, error } = useQuery(GlobalSearchDocument, {
    variables: { query, first: RESULTS },
    skip: !query,
  });
  const answer = query ? (data ?? previousData) : undefined;
  const results = (answer?.search ?? []).map(describe);
  // The list answers the text in the box: nothing is pending and the last answer is for it.
  const current = !loading && debounced === text && (data !== undefined || !query);

  useEffect(() => {
    const timer = setTimeout(() => setDebounced(text), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text]);

  const open = (index: number) => {
    const target = results[index];
    if (!target) return;
    onClose();
    void navigate(target.path);
  };

  // Enter pressed while the answer for the last keystrokes was on its way opens the best match once it is here.
  useEffect(() => {
    if (pendingEnter && current) {
      setPendingEnter(false);
      if (results.length > 0) open(0);
    }
  });

  const onKeyDown = (event: React.KeyboardEvent) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setActive((index) => (results.length ? (index + 1) % results.length : 0));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((index) => (results.length ? (index - 1 + results.length) % results.length : 0));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (current) open(active);
      else setPendingEnter(true);
    }
  };

  const activeIndex = Math.min(active, Math.max(results.length - 1, 0));
  return (
    <Box sx={{ p: 2 }}>
      <TextField
        autoFocus
        fullWidth
        label="Search"
        placeholder="Tenant, installation, release, version or digest"
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        slotProps={{
          htmlInput: {
            role: 'combobox',
            'aria-expanded': results.length > 0,
            'aria-controls': listId,
            'aria-autocomplete': 'list',
            'aria-activedescendant': results.length > 0 ? optionId(activeIndex) : undefined,
          },
        }}
      />
      <Box sx={{ minHeight: 4, mt: 1 }}>{loading && <LinearProgress aria-label="Searching" />}</Box>
      {error && (
        <Typography color="error" role="alert">
          Search failed: {describeError(error)}
        </Typography>
      )}
      <Typography variant="body2" color="text.secondary" role="status" aria-live="polite" sx={{ my: 1 }}>
        {!query ? 'Type to search; ↑ ↓ to choose, Enter to open, Esc to close.' : current ? `${results.length} found` : ''}
      </Typography>
      <List
        component="div"
        id={listId}
        role="listbox"
        aria-label="Search results"
        dense
        sx={{ maxHeight: 420, overflowY: 'auto' }}
      >
        {results.map((result, index) => (
          <ListItemButton
            key={result.key}
            id={optionId(index)}
            role="option"
            aria-selected={index === activeIndex}
            selected={index === activeIndex}
            tabIndex={-1}
            onMouseMove={() => setActive(index)}
            onClick={() => open(index)}
          >
            <ListItemText
              primary={result.primary}
              secondary={`${result.kind} · ${result.secondary}`}
              slotProps={{ secondary: { color: 'text.secondary' } }}
            />
          </ListItemButton>
        ))}
      </List>
    </Box>
  );
}

/** Search everything from anywhere: the top bar's button, or "/" outside a field. */
export function GlobalSearch() {
  const [open, setOpen] = useState(false);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      event.preventDefault();
      setOpen(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <>
      <Button color="inherit" onClick={() => setOpen(true)} aria-keyshortcuts="/" title="Search (/)">
        Search
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        fullWidth
        maxWidth="sm"
        slotProps={{ paper: { 'aria-label': 'Search everything', sx: { alignSelf: 'flex-start', mt: 8 } } }}
      >
        {open && <SearchDialog onClose={() => setOpen(false)} />}
      </Dialog>
    </>
  );
}
