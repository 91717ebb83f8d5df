import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useCallback } from 'react';
import { useSearchParams } from 'react-router';
import { TenantTable } from '../modules/tenant/components/TenantTable';
import { useTenants } from '../modules/tenant/hooks/useTenants';
import { DebouncedSearchField } from '../modules/ui/DebouncedSearchField';
import { LoadErrorAlert } from '../modules/ui/LoadErrorAlert';

const SEARCH_PARAM = 'q';

function countText(count: number, search: string): string {
  const noun = count === 1 ? 'tenant' : 'tenants';
  return search ? `${count} ${noun} match “${search}”` : `${count} ${noun}`;
}

export default function TenantsPage() {
  const [params, setParams] = useSearchParams();
  const search = params.get(SEARCH_PARAM)?.trim() ?? '';
  const tenants = useTenants(search);

  const setSearch = useCallback(
    (next: string) =>
      setParams(
        (current) => {
          const updated = new URLSearchParams(current);
          if (next) updated.set(SEARCH_PARAM, next);
          else updated.delete(SEARCH_PARAM);
          return updated;
        },
        { replace: true },
      ),
    [setParams],
  );

  const { totalCount } = tenants;
  const showing = tenants.tenants.length;

  return (
    <Stack spacing={2}>
      <title>Tenants · Shiplog</title>
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ alignItems: { sm: 'center' } }}>
        <Typography variant="h4" component="h1" sx={{ flexGrow: 1 }}>
          Tenants
        </Typography>
        <DebouncedSearchField label="Search tenants" placeholder="Slug or name" value={search} onSearch={setSearch} />
      </Stack>

      <Typography color="text.secondary" role="status" aria-live="polite">
        {totalCount === undefined ? (tenants.loading ? 'Loading tenants…' : '') : countText(totalCount, search)}
      </Typography>

      <Box sx={{ minHeight: 4 }}>{tenants.loading && <LinearProgress aria-label="Loading tenants" />}</Box>

      {tenants.error && <LoadErrorAlert what="tenants" error={tenants.error} onRetry={tenants.retry} />}

      {totalCount === 0 && !tenants.error && (
        <Paper variant="outlined" sx={{ p: 4, textAlign: 'center' }}>
          <Typography variant="h6" component="p" gutterBottom>
            {search ? `No tenants match “${search}”` : 'No tenants yet'}
          </Typography>
          {search ? (
            <Button onClick={() => setSearch('')}>Clear search</Button>
          ) : (
            <Typography color="text.secondary">Tenants appear here once an admin creates them.</Typography>
          )}
        </Paper>
      )}

      {showing > 0 && <TenantTable tenants={tenants.tenants} busy={tenants.stale} />}

      {tenants.loadMoreError && <Alert severity="error">Could not load more tenants: {tenants.loadMoreError}</Alert>}

      {showing > 0 && totalCount !== undefined && (
        <Stack direction="row" spacing={2} sx={{ alignItems: 'center', justifyContent: 'space-between' }}>
          <Typography variant="body2" color="text.secondary">
            Showing {showing} of {totalCount}
          </Typography>
          {tenants.hasNextPage && (
            <Button variant="outlined" onClick={() => void tenants.loadMore()} disabled={tenants.loadingMore}>
              {tenants.loadingMore ? 'Loading…' : 'Load more'}
            </Button>
          )}
        </Stack>
      )}
    </Stack>
  );
}
