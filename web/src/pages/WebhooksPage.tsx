import { useApolloClient, useQuery } from '@apollo/client/react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Link from '@mui/material/Link';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import { Link as RouterLink } from 'react-router';
import { ViewerDocument, WebhooksDocument, type WebhooksQuery } from '../generated/graphql';
import { useCan } from '../modules/auth/hooks/useCan';
import { formatDateTime } from '../modules/ui/format';
import { PagedListFrame } from '../modules/ui/PagedListFrame';
import { usePagedList } from '../modules/ui/usePagedList';
import { eventTypeName, webhookTitle } from '../modules/webhook/eventTypes';
import { SecretDialog } from '../modules/webhook/components/SecretDialog';
import { WebhookFormDialog, type CreatedWebhook } from '../modules/webhook/components/WebhookFormDialog';
import { WebhookStatusChip } from '../modules/webhook/components/WebhookStatusChip';

type Row = WebhooksQuery['webhooks']['nodes'][number];

function successRate({ succeeded, failed }: Row['recentDeliveries']): string {
  const settled = succeeded + failed;
  if (settled === 0) return 'No messages';
  return `${Math.round((succeeded / settled) * 100)}% of ${settled}`;
}

function WebhookTable({ webhooks }: { webhooks: Row[] }) {
  return (
    <TableContainer component={Paper} variant="outlined">
      <Table size="small" aria-label="Webhooks">
        <TableHead>
          <TableRow>
            <TableCell>Endpoint</TableCell>
            <TableCell>Status</TableCell>
            <TableCell>Events</TableCell>
            <TableCell>Tenants</TableCell>
            <TableCell>Delivered (24 h)</TableCell>
            <TableCell>Last delivery</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {webhooks.map((webhook) => (
            <TableRow key={webhook.id} hover>
              <TableCell sx={{ maxWidth: 320 }}>
                <Link component={RouterLink} to={`/webhooks/${webhook.id}`} sx={{ fontWeight: 600 }}>
                  {webhookTitle(webhook)}
                </Link>
                <Typography variant="body2" color="text.secondary" noWrap title={webhook.url}>
                  {webhook.url}
                </Typography>
              </TableCell>
              <TableCell>
                <WebhookStatusChip enabled={webhook.enabled} disabledReason={webhook.disabledReason} />
              </TableCell>
              <TableCell>
                {webhook.eventTypes.length === 0
                  ? 'Every event'
                  : webhook.eventTypes.length <= 2
                    ? webhook.eventTypes.map(eventTypeName).join(', ')
                    : `${webhook.eventTypes.length} event types`}
              </TableCell>
              <TableCell>{webhook.tenantSlugs.length === 0 ? 'Every tenant' : webhook.tenantSlugs.join(', ')}</TableCell>
              <TableCell>
                {successRate(webhook.recentDeliveries)}
                {webhook.recentDeliveries.pending > 0 && (
                  <Typography variant="body2" color="text.secondary">
                    {webhook.recentDeliveries.pending} pending
                  </Typography>
                )}
              </TableCell>
              <TableCell>
                {webhook.recentDeliveries.lastDeliveryAt ? formatDateTime(webhook.recentDeliveries.lastDeliveryAt) : 'Never'}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}

function WebhookList() {
  const list = usePagedList(WebhooksDocument, {}, (data) => data.webhooks);
  const client = useApolloClient();
  // Delivery figures move in the background: leaving the list drops it from the cache, so each visit reads afresh.
  useEffect(() => () => void client.cache.evict({ id: 'ROOT_QUERY', fieldName: 'webhooks' }), [client]);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedWebhook | null>(null);
  return (
    <>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
        <Typography color="text.secondary" sx={{ flexGrow: 1 }}>
          Shiplog posts signed messages (Standard Webhooks) to these endpoints as events happen.
        </Typography>
        <Button variant="contained" onClick={() => setCreating(true)}>
          New webhook
        </Button>
      </Stack>
      <PagedListFrame
        list={list}
        noun={['webhook', 'webhooks']}
        filtered={false}
        onClearFilters={() => undefined}
        emptyHint="Create one to tell other tools (chat, paging, test suites) what happens in Shiplog."
      >
        <WebhookTable webhooks={list.nodes} />
      </PagedListFrame>
      <WebhookFormDialog open={creating} onClose={() => setCreating(false)} onCreated={setCreated} />
      <SecretDialog secret={created?.secret ?? null} onClose={() => setCreated(null)} />
    </>
  );
}

export default function WebhooksPage() {
  const viewer = useQuery(ViewerDocument);
  const admin = useCan('ADMIN');
  return (
    <Stack spacing={2}>
      <title>Webhooks · Shiplog</title>
      <Typography variant="h4" component="h1">
        Webhooks
      </Typography>
      {admin ? <WebhookList /> : viewer.data && <Alert severity="info">Only admins manage webhooks.</Alert>}
    </Stack>
  );
}
