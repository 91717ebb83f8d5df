import { useMutation, useQuery } from '@apollo/client/react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import LinearProgress from '@mui/material/LinearProgress';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { Link as RouterLink, useNavigate, useParams } from 'react-router';
import {
  DeleteWebhookDocument,
  RotateWebhookSecretDocument,
  TestWebhookDocument,
  UpdateWebhookDocument,
  WebhookDocument,
  type WebhookSummary_WebhookFragment,
} from '../generated/graphql';
import { describeError } from '../modules/apollo/errors';
import { formatDateTime } from '../modules/ui/format';
import { LoadErrorAlert } from '../modules/ui/LoadErrorAlert';
import { DeliveryLog } from '../modules/webhook/components/DeliveryLog';
import { SecretDialog } from '../modules/webhook/components/SecretDialog';
import { WebhookFormDialog } from '../modules/webhook/components/WebhookFormDialog';
import { WebhookStatusChip } from '../modules/webhook/components/WebhookStatusChip';
import { eventTypeName, webhookTitle } from '../modules/webhook/eventTypes';

function Detail({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <>
      <Typography component="dt" variant="body2" color="text.secondary">
        {label}
      </Typography>
      <Typography component="dd" variant="body2" sx={{ m: 0, wordBreak: 'break-all' }}>
        {children}
      </Typography>
    </>
  );
}

function DeleteDialog({
  open,
  webhook,
  onClose,
}: {
  open: boolean;
  webhook: WebhookSummary_WebhookFragment;
  onClose: () => void;
}) {
  const navigate = useNavigate();
  const [remove, { loading, error }] = useMutation(DeleteWebhookDocument, { refetchQueries: ['Webhooks'] });
  return (
    <Dialog open={open} onClose={onClose} aria-labelledby="delete-webhook-title">
      <DialogTitle id="delete-webhook-title">Delete this webhook?</DialogTitle>
      <DialogContent>
        <DialogContentText>
          Shiplog stops sending to {webhook.url} and deletes its delivery log. This cannot be undone.
        </DialogContentText>
        {error && <Alert severity="error">{describeError(error)}</Alert>}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={loading}>
          Cancel
        </Button>
        <Button
          color="error"
          variant="contained"
          disabled={loading}
          onClick={() => {
            remove({ variables: { id: webhook.id } }).then(
              () => void navigate('/webhooks'),
              () => undefined,
            );
          }}
        >
          Delete webhook
        </Button>
      </DialogActions>
    </Dialog>
  );
}

function WebhookView({ webhook }: { webhook: WebhookSummary_WebhookFragment }) {
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ severity: 'success' | 'error'; text: string } | null>(null);
  const [update, updating] = useMutation(UpdateWebhookDocument, { refetchQueries: ['Webhooks'] });
  const [test, testing] = useMutation(TestWebhookDocument, { refetchQueries: ['WebhookMessages', 'Webhooks'] });
  const [rotate, rotating] = useMutation(RotateWebhookSecretDocument, { fetchPolicy: 'no-cache' });
  const fail = (what: string) => (caught: unknown) => setNotice({ severity: 'error', text: `${what}: ${describeError(caught)}` });

  return (
    <Stack spacing={2}>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography variant="h4" component="h1" sx={{ wordBreak: 'break-all' }}>
          {webhookTitle(webhook)}
        </Typography>
        <WebhookStatusChip enabled={webhook.enabled} disabledReason={webhook.disabledReason} />
      </Stack>

      {!webhook.enabled && (
        <Alert
          severity={webhook.disabledReason ? 'error' : 'info'}
          action={
            <Button
              color="inherit"
              size="small"
              disabled={updating.loading}
              onClick={() => {
                setNotice(null);
                update({ variables: { input: { id: webhook.id, enabled: true } } }).then(
                  () => setNotice({ severity: 'success', text: 'Re-enabled: new messages are sent again.' }),
                  fail('Could not re-enable'),
                );
              }}
            >
              Re-enable
            </Button>
          }
        >
          {webhook.disabledReason
            ? `Shiplog disabled this endpoint${webhook.disabledAt ? ` on ${formatDateTime(webhook.disabledAt)}` : ''}: ${webhook.disabledReason}`
            : 'This webhook is disabled: no messages are sent.'}
        </Alert>
      )}
      {webhook.enabled && webhook.failingSince && (
        <Alert severity="warning">Every delivery has failed since {formatDateTime(webhook.failingSince)}.</Alert>
      )}

      <Stack direction="row" spacing={1} sx={{ flexWrap: 'wrap' }} useFlexGap>
        <Button
          variant="contained"
          disabled={testing.loading}
          onClick={() => {
            setNotice(null);
            test({ variables: { id: webhook.id } }).then(
              () => setNotice({ severity: 'success', text: 'Test message queued: it appears in the delivery log.' }),
              fail('Could not send a test'),
            );
          }}
        >
          {testing.loading ? 'Sending…' : 'Send test'}
        </Button>
        <Button variant="outlined" onClick={() => setEditing(true)}>
          Edit
        </Button>
        {webhook.enabled && (
          <Button
            variant="outlined"
            disabled={updating.loading}
            onClick={() => {
              setNotice(null);
              update({ variables: { input: { id: webhook.id, enabled: false } } }).catch(fail('Could not disable'));
            }}
          >
            Disable
          </Button>
        )}
        <Button
          variant="outlined"
          disabled={rotating.loading}
          onClick={() => {
            setNotice(null);
            rotate({ variables: { id: webhook.id } }).then(
              ({ data }) => setSecret(data?.rotateWebhookSecret.secret ?? null),
              fail('Could not rotate'),
            );
          }}
        >
          Rotate secret
        </Button>
        <Button variant="outlined" color="error" onClick={() => setDeleting(true)}>
          Delete
        </Button>
      </Stack>
      {notice && (
        <Alert severity={notice.severity} role={notice.severity === 'error' ? 'alert' : 'status'} onClose={() => setNotice(null)}>
          {notice.text}
        </Alert>
      )}

      <Paper variant="outlined" sx={{ p: 2 }}>
        <Box component="dl" sx={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 3, rowGap: 1, m: 0 }}>
          <Detail label="URL">{webhook.url}</Detail>
          <Detail label="Format">{webhook.format === 'SLACK' ? 'Slack message' : 'Standard Webhooks'}</Detail>
          <Detail label="Event types">
            {webhook.eventTypes.length === 0 ? 'Every event type' : webhook.eventTypes.map(eventTypeName).join(', ')}
          </Detail>
          <Detail label="Tenants">{webhook.tenantSlugs.length === 0 ? 'Every tenant' : webhook.tenantSlugs.join(', ')}</Detail>
          <Detail label="Created">
            {formatDateTime(webhook.createdAt)} by {webhook.createdBy}
          </Detail>
        </Box>
      </Paper>

      <Typography variant="h5" component="h2">
        Delivery log
      </Typography>
      <DeliveryLog webhookId={webhook.id} />

      {editing && <WebhookFormDialog open webhook={webhook} onClose={() => setEditing(false)} />}
      <DeleteDialog open={deleting} webhook={webhook} onClose={() => setDeleting(false)} />
      <SecretDialog rotated secret={secret} onClose={() => setSecret(null)} />
    </Stack>
  );
}

export default function WebhookPage() {
  const { id = '' } = useParams();
  const { data, loading, error, refetch } = useQuery(WebhookDocument, { variables: { id } });
  const webhook = data?.webhook;
  return (
    <Stack spacing={2}>
      <title>{`${webhook ? webhookTitle(webhook) : 'Webhook'} · Shiplog`}</title>
      <Link component={RouterLink} to="/webhooks" variant="body2">
        ← Webhooks
      </Link>
      {loading && !data && <LinearProgress aria-label="Loading the webhook" />}
      {error && !data && <LoadErrorAlert what="the webhook" error={describeError(error)} onRetry={() => void refetch()} />}
      {data && !webhook && <Alert severity="info">This webhook does not exist, or you do not administer it.</Alert>}
      {webhook && <WebhookView webhook={webhook} />}
    </Stack>
  );
}
