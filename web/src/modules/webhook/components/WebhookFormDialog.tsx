import { useMutation } from '@apollo/client/react';
import Alert from '@mui/material/Alert';
import Autocomplete from '@mui/material/Autocomplete';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useId, useState } from 'react';
import {
  CreateWebhookDocument,
  UpdateWebhookDocument,
  type WebhookEventType,
  type WebhookFormat,
  type WebhookSummary_WebhookFragment,
} from '../../../generated/graphql';
import { describeError } from '../../apollo/errors';
import { TenantPicker } from '../../rollout/components/RolloutTargetChooser';
import { eventTypeName, WEBHOOK_EVENT_TYPES } from '../eventTypes';

export interface CreatedWebhook {
  id: string;
  secret: string;
}

const FORMAT_LABELS: Record<WebhookFormat, string> = {
  STANDARD: 'Standard Webhooks (signed JSON)',
  SLACK: 'Slack message (readable text)',
};

/**
 * Creates a webhook (`webhook` left out) or edits one. A new webhook's secret goes to `onCreated`, never into the
 * Apollo cache, so it is gone once its dialog closes.
 */
export function WebhookFormDialog({
  open,
  webhook,
  onClose,
  onCreated,
}: {
  open: boolean;
  webhook?: WebhookSummary_WebhookFragment;
  onClose: () => void;
  onCreated?: (created: CreatedWebhook) => void;
}) {
  const titleId = useId();
  const [url, setUrl] = useState(webhook?.url ?? '');
  const [description, setDescription] = useState(webhook?.description ?? '');
  const [format, setFormat] = useState<WebhookFormat>(webhook?.format ?? 'STANDARD');
  const [eventTypes, setEventTypes] = useState<WebhookEventType[]>(webhook?.eventTypes ?? []);
  const [tenantSlugs, setTenantSlugs] = useState<string[]>(webhook?.tenantSlugs ?? []);
  const [error, setError] = useState<string | null>(null);
  const [create, creating] = useMutation(CreateWebhookDocument, { fetchPolicy: 'no-cache', refetchQueries: ['Webhooks'] });
  const [update, updating] = useMutation(UpdateWebhookDocument, { refetchQueries: ['Webhooks'] });
  const busy = creating.loading || updating.loading;

  const reset = () => {
    setUrl(webhook?.url ?? '');
    setDescription(webhook?.description ?? '');
    setFormat(webhook?.format ?? 'STANDARD');
    setEventTypes(webhook?.eventTypes ?? []);
    setTenantSlugs(webhook?.tenantSlugs ?? []);
    setError(null);
  };
  const close = () => {
    if (busy) return;
    reset();
    onClose();
  };

  const submit = async () => {
    if (!url.trim()) {
      setError('Give the URL messages are sent to, e.g. https://hooks.example.com/shiplog.');
      return;
    }
    setError(null);
    const fields = { url: url.trim(), description: description.trim(), format, eventTypes, tenantSlugs };
    try {
      if (webhook) {
        await update({ variables: { input: { id: webhook.id, ...fields } } });
        onClose();
      } else {
        const { data } = await create({ variables: { input: fields } });
        const created = data?.createWebhook;
        if (!created?.secret) return;
        reset();
        onClose();
        onCreated?.({ id: created.id, secret: created.secret });
      }
    } catch (caught) {
      setError(describeError(caught));
    }
  };

  return (
    <Dialog open={open} onClose={close} fullWidth maxWidth="md" aria-labelledby={titleId}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <DialogTitle id={titleId}>{webhook ? 'Edit webhook' : 'New webhook'}</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            <TextField
              autoFocus
              required
              label="URL"
              type="url"
              value={url}
              onChange={(event) => setUrl(event.target.value)}
              error={error !== null && !url.trim()}
              helperText="Messages are POSTed here; redirects are not followed."
            />
            <TextField label="Description" value={description} onChange={(event) => setDescription(event.target.value)} />
            <TextField select label="Format" value={format} onChange={(event) => setFormat(event.target.value as WebhookFormat)}>
              {(Object.keys(FORMAT_LABELS) as WebhookFormat[]).map((value) => (
                <MenuItem key={value} value={value}>
                  {FORMAT_LABELS[value]}
                </MenuItem>
              ))}
            </TextField>
            <Autocomplete
              multiple
              options={WEBHOOK_EVENT_TYPES}
              value={eventTypes}
              getOptionLabel={eventTypeName}
              filterSelectedOptions
              onChange={(_event, next) => setEventTypes(next)}
              renderInput={(params) => (
                <TextField
                  {...params}
                  label="Event types"
                  placeholder={eventTypes.length === 0 ? 'Every event type' : 'Add an event type'}
                  helperText="Leave empty to receive every event type."
                />
              )}
            />
            <Stack spacing={0.5}>
              <TenantPicker value={tenantSlugs} onChange={setTenantSlugs} />
              <Typography variant="caption" color="text.secondary" sx={{ px: 1.75 }}>
                Only events about these tenants are sent; leave empty for every tenant.
              </Typography>
            </Stack>
            {error && <Alert severity="error">{error}</Alert>}
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={close} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" variant="contained" disabled={busy}>
            {busy ? 'Saving…' : webhook ? 'Save' : 'Create webhook'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
