import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';
import { LoadErrorAlert } from './LoadErrorAlert';
import { plural } from './format';

/** What the frame needs of a list from usePagedList. */
export interface PagedListState {
  nodes: readonly unknown[];
  totalCount?: number;
  loading: boolean;
  loadingMore: boolean;
  hasNextPage: boolean;
  error: string | null;
  loadMoreError: string | null;
  loadMore: () => Promise<void>;
  retry: () => void;
}

/**
 * The states around a filtered, paged list: how many match, loading, the error with Retry, the empty state (with
 * "Clear filters" when filters hide everything), the list itself, and "Load more".
 */
export function PagedListFrame({
  list,
  noun,
  filtered,
  onClearFilters,
  emptyHint,
  children,
}: {
  list: PagedListState;
  /** Singular and plural, e.g. ['deployment', 'deployments']. */
  noun: [string, string];
  filtered: boolean;
  onClearFilters: () => void;
  /** Said when there is nothing yet at all. */
  emptyHint: string;
  children: ReactNode;
}) {
  const [one, many] = noun;
  const { totalCount } = list;
  const showing = list.nodes.length;
  return (
    <>
      <Typography color="text.secondary" role="status" aria-live="polite">
        {totalCount === undefined
          ? list.loading
            ? `Loading ${many}…`
            : ''
          : `${plural(totalCount, one, many)}${filtered ? ' match' : ''}`}
      </Typography>

      <Box sx={{ minHeight: 4 }}>{list.loading && <LinearProgress aria-label={`Loading ${many}`} />}</Box>

      {list.error && <LoadErrorAlert what={many} error={list.error} onRetry={list.retry} />}

      {totalCount === 0 && !list.error && (
        <Paper variant="outlined" sx={{ p: 4, textAlign: 'center' }}>
          <Typography variant="h6" component="p" gutterBottom>
            {filtered ? `No ${many} match these filters` : `No ${many} yet`}
          </Typography>
          {filtered ? (
            <Button onClick={onClearFilters}>Clear filters</Button>
          ) : (
            <Typography color="text.secondary">{emptyHint}</Typography>
          )}
        </Paper>
      )}

      {showing > 0 && children}

      {list.loadMoreError && (
        <Alert severity="error">
          Could not load more {many}: {list.loadMoreError}
        </Alert>
      )}

      {showing > 0 && totalCount !== undefined && (
        <Stack direction="row" spacing={2} sx={{ alignItems: 'center', justifyContent: 'space-between' }}>
          <Typography variant="body2" color="text.secondary">
            Showing {showing} of {totalCount}
          </Typography>
          {list.hasNextPage && (
            <Button variant="outlined" onClick={() => void list.loadMore()} disabled={list.loadingMore}>
              {list.loadingMore ? 'Loading…' : 'Load more'}
            </Button>
          )}
        </Stack>
      )}
    </>
  );
}
