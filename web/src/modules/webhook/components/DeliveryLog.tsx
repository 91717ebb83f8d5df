import { useApolloClient, useMutation } from '@apollo/client/react';
import Accordion from '@mui/material/Accordion';
import AccordionDetails from '@mui/material/AccordionDetails';
import AccordionSummary from '@mui/material/AccordionSummary';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import {
  RedeliverWebhookMessageDocument,
  WebhookMessagesDocument,
  type WebhookEventType,
  type WebhookMessage_MessageFragment,
  type WebhookMessageStatus,
} from '../../../generated/graphql';
import { describeError } from '../../apollo/errors';
import { formatDateTime, plural } from '../../ui/format';
import { PagedListFrame } from '../../ui/PagedListFrame';
import { usePagedList } from '../../ui/usePagedList';
import { useUrlParams } from '../../ui/searchParams';
import { useSearchParam } from '../../ui/useSearchParam';
import { eventTypeName, MESSAGE_STATUS_LABELS, WEBHOOK_EVENT_TYPES } from '../eventTypes';

/** How often the log is read again while messages are pending. */
const POLL_MS = 1500;

const STATUS_COLORS = { PENDING: 'default', SUCCEEDED: 'success', FAILED: 'error' } as const;

function MessageStatusChip({ status }: { status: WebhookMessageStatus }) {
  return <Chip size="small" color={STATUS_COLORS[status]} label={MESSAGE_STATUS_LABELS[status]} />;
}

type Attempt = WebhookMessage_MessageFragment['attempts'][number];

function Attempts({ attempts }: { attempts: Attempt[] }) {
  if (attempts.length === 0) return <Typography color="text.secondary">No attempt yet.</Typography>;
  return (
    <Stack component="ol" spacing={2} aria-label="Attempts" sx={{ m: 0, pl: 2 }}>
      {attempts.map((attempt, index) => {
        const headers = (attempt.responseHeaders ?? null) as Record<string, string> | null;
        return (
          <Box component="li" key={`${attempt.at}-${index}`}>
            <Typography variant="subtitle2" component="p">
              {formatDateTime(attempt.at)} ·{' '}
              {attempt.httpStatus !== null && attempt.httpStatus !== undefined ? `HTTP ${attempt.httpStatus}` : 'No answer'} ·{' '}
              {attempt.durationMs} ms
            </Typography>
            {attempt.error && (
              <Typography variant="body2" color="error">
                {attempt.error}
              </Typography>
            )}
            {headers && Object.keys(headers).length > 0 && (
              <Box component="pre" aria-label="Response headers" sx={{ fontSize: 12, whiteSpace: 'pre-wrap', m: 0, mt: 0.5 }}>
                {Object.entries(headers)
                  .map(([name, value]) => `${name}: ${value}`)
                  .join('\n')}
              </Box>
            )}
            {attempt.responseBody && (
              <Box
                component="pre"
                aria-label="Response body"
                sx={{
                  fontSize: 12,
                  whiteSpace: 'pre-wrap',
                  wordBreak: 'break-all',
                  bgcolor: 'action.hover',
                  p: 1,
                  m: 0,
                  mt: 0.5,
                }}
              >
                {attempt.responseBody}
              </Box>
            )}
          </Box>
        );
      })}
    </Stack>
  );
}

function MessageRow({ message }: { message: WebhookMessage_MessageFragment }) {
  const [redeliver, { loading }] = useMutation(RedeliverWebhookMessageDocument, {
    refetchQueries: ['WebhookMessages', 'Webhooks'],
  });
  const [error, setError] = useState<string | null>(null);
  const name = eventTypeName(message.eventType);
  return (
    <Accordion disableGutters variant="outlined" slotProps={{ transition: { unmountOnExit: true } }}>
      <AccordionSummary aria-label={`${name} ${MESSAGE_STATUS_LABELS[message.status]} ${formatDateTime(message.createdAt)}`}>
        <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap', width: '100%' }}>
          <MessageStatusChip status={message.status} />
          <Typography sx={{ fontWeight: 600, minWidth: 200 }}>{name}</Typography>
          <Typography variant="body2" color="text.secondary">
            {formatDateTime(message.createdAt)} · {plural(message.attempts.length, 'attempt')}
          </Typography>
        </Stack>
      </AccordionSummary>
      <AccordionDetails>
        <Stack spacing={2}>
          <Typography variant="body2">
            webhook-id: <Box component="code">{message.webhookMessageId}</Box>
          </Typography>
          <Attempts attempts={message.attempts} />
          <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
            <Button
              variant="outlined"
              size="small"
              disabled={loading}
              onClick={() => {
                setError(null);
                redeliver({ variables: { id: message.id } }).catch((caught: unknown) => setError(describeError(caught)));
              }}
            >
              {loading ? 'Redelivering…' : 'Redeliver'}
            </Button>
            <Typography variant="caption" color="text.secondary">
              Sends it again now under the same webhook-id.
            </Typography>
          </Stack>
          {error && <Alert severity="error">Could not redeliver: {error}</Alert>}
        </Stack>
      </AccordionDetails>
    </Accordion>
  );
}

/** The delivery log of one webhook, newest first, filtered by status and event type (kept in the URL). */
export function DeliveryLog({ webhookId }: { webhookId: string }) {
  const [status, setStatus] = useSearchParam('status');
  const [eventType, setEventType] = useSearchParam('event');
  const { set: clearFilters } = useUrlParams();
  const filter = {
    status: (status || null) as WebhookMessageStatus | null,
    eventType: (eventType || null) as WebhookEventType | null,
  };
  const list = usePagedList(WebhookMessagesDocument, { id: webhookId, filter }, (data) => data.webhook?.messages);
  const filtered = Boolean(status || eventType);
  const client = useApolloClient();
  const pending = list.nodes.some((message) => message.status === 'PENDING');
  // Deliveries happen in the background: while some are under way, the log (and the webhook's state) is read again.
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(() => void client.refetchQueries({ include: ['WebhookMessages', 'Webhook'] }), POLL_MS);
    return () => clearInterval(timer);
  }, [pending, client]);
  return (
    <Stack spacing={2}>
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
        <TextField
          select
          label="Status"
          value={status}
          onChange={(event) => setStatus(event.target.value)}
          sx={{ minWidth: 180 }}
        >
          <MenuItem value="">Any status</MenuItem>
          {(Object.keys(MESSAGE_STATUS_LABELS) as WebhookMessageStatus[]).map((value) => (
            <MenuItem key={value} value={value}>
              {MESSAGE_STATUS_LABELS[value]}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          select
          label="Event type"
          value={eventType}
          onChange={(event) => setEventType(event.target.value)}
          sx={{ minWidth: 260 }}
        >
          <MenuItem value="">Any event type</MenuItem>
          {WEBHOOK_EVENT_TYPES.map((value) => (
            <MenuItem key={value} value={value}>
              {eventTypeName(value)}
            </MenuItem>
          ))}
        </TextField>
      </Stack>
      <PagedListFrame
        list={list}
        noun={['message', 'messages']}
        filtered={filtered}
        onClearFilters={() => clearFilters({ status: null, event: null })}
        emptyHint="Messages appear here as events happen; Send test sends one now."
      >
        <Box role="list" aria-label="Delivery log">
          {list.nodes.map((message) => (
            <Box role="listitem" key={message.id}>
              <MessageRow message={message} />
            </Box>
          ))}
        </Box>
      </PagedListFrame>
    </Stack>
  );
}
