import { useMutation, useQuery } from '@apollo/client/react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import FormControlLabel from '@mui/material/FormControlLabel';
import Link from '@mui/material/Link';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import { Link as RouterLink } from 'react-router';
import { AcknowledgeAttentionItemDocument, AttentionDocument, type AttentionList_ItemFragment } from '../../../generated/graphql';
import { describeError } from '../../apollo/errors';
import { RolloutStatusChip } from '../../rollout/components/RolloutStatusChip';
import { formatDateTime, plural } from '../../ui/format';

/** What the item is about, as its link says it. */
function titleOf(item: AttentionList_ItemFragment): string {
  if (item.rollout) return `Rollout of ${item.rollout.release.track.name} ${item.rollout.release.version}`;
  const where = item.installation ? `${item.installation.tenant.name} / ${item.installation.name}` : 'an installation';
  const latest = item.latestDeployment;
  if (item.count === 1 && latest) return `${latest.application.name} ${latest.artifact.version} failed on ${where}`;
  return `${where} failed ${item.count} times`;
}

function linkOf(item: AttentionList_ItemFragment): string {
  if (item.rollout) return `/rollouts/${item.rollout.id}`;
  if (item.count === 1 && item.latestDeployment) return `/deployments?status=FAILED&deployment=${item.latestDeployment.id}`;
  return `/deployments?status=FAILED&installation=${item.installation?.id ?? ''}`;
}

function detailOf(item: AttentionList_ItemFragment): string {
  if (item.rollout) return item.rollout.statusReason ?? `${plural(item.count, 'installation')} failed`;
  const latest = item.latestDeployment;
  const parts = [
    item.count > 1 && item.rolloutCount ? `in ${plural(item.rolloutCount, 'rollout')}` : null,
    item.count > 1 && latest ? `latest ${latest.application.name} ${latest.artifact.version}` : null,
    formatDateTime(item.lastOccurredAt),
    latest?.message ?? null,
  ];
  return parts.filter(Boolean).join(' · ');
}

/**
 * "Needs attention" from the server: repeats grouped (an installation failing in several rollouts, a rollout with
 * several failed installations) and each item acknowledgeable, which takes it off everyone's list until it occurs
 * again. `refreshKey` changes whenever the overview refreshes, so the list follows it live.
 */
export function AttentionList({
  since,
  failureWindowDays,
  refreshKey,
  extra,
}: {
  since: string;
  failureWindowDays: number;
  refreshKey: unknown;
  /** Shown above the items (disabled webhooks); the list counts as not empty when present. */
  extra?: React.ReactNode;
}) {
  const [showAcknowledged, setShowAcknowledged] = useState(false);
  const { data, previousData, error, refetch } = useQuery(AttentionDocument, {
    variables: { since, includeAcknowledged: showAcknowledged },
  });
  const [acknowledge, acknowledging] = useMutation(AcknowledgeAttentionItemDocument);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    void refetch();
  }, [refreshKey, refetch]);

  const attention = (data ?? previousData)?.attention;
  const items = attention?.nodes ?? [];
  const acknowledgedCount = attention?.acknowledgedCount ?? 0;

  async function onAcknowledge(item: AttentionList_ItemFragment) {
    setFailure(null);
    try {
      await acknowledge({ variables: { input: { key: item.key } } });
      await refetch();
    } catch (caught) {
      setFailure(describeError(caught));
    }
  }

  return (
    <Stack spacing={1}>
      {extra}
      {error && !attention && <Alert severity="warning">Could not load what needs attention: {describeError(error)}</Alert>}
      {failure && (
        <Alert severity="error" role="alert">
          {failure}
        </Alert>
      )}
      {attention && items.length === 0 && !extra && (
        <Typography color="text.secondary" variant="body2" sx={{ py: 1 }}>
          {acknowledgedCount > 0
            ? `Nothing new needs attention in the last ${plural(failureWindowDays, 'day')}.`
            : `Nothing failed in the last ${plural(failureWindowDays, 'day')}.`}
        </Typography>
      )}
      {items.length > 0 && (
        <List aria-label="Items needing attention" dense disablePadding>
          {items.map((item) => {
            const title = titleOf(item);
            return (
              <ListItem
                key={item.key}
                disableGutters
                divider
                secondaryAction={
                  item.canAcknowledge && (
                    <Button
                      size="small"
                      aria-label={`Acknowledge ${title}`}
                      onClick={() => void onAcknowledge(item)}
                      disabled={acknowledging.loading}
                    >
                      Acknowledge
                    </Button>
                  )
                }
                sx={{ pr: item.canAcknowledge ? 14 : 0 }}
              >
                <ListItemText
                  primary={
                    <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
                      <Link component={RouterLink} to={linkOf(item)} sx={{ fontWeight: 600 }}>
                        {title}
                      </Link>
                      {!item.rollout && item.installation && (
                        <Link
                          component={RouterLink}
                          to={`/installations/${item.installation.id}`}
                          variant="body2"
                          aria-label={`Installation page of ${item.installation.tenant.name} / ${item.installation.name}`}
                        >
                          Installation
                        </Link>
                      )}
                      {item.rollout && <RolloutStatusChip status={item.rollout.status} />}
                      {item.rollout && item.count > 1 && (
                        <Chip
                          size="small"
                          label={`${item.count} installations`}
                          aria-label={`${item.count} installations failed`}
                        />
                      )}
                    </Stack>
                  }
                  secondary={
                    <>
                      {detailOf(item)}
                      {item.acknowledgedBy && item.acknowledgedAt && (
                        <Typography component="span" variant="body2" sx={{ display: 'block' }}>
                          Acknowledged by {item.acknowledgedBy} at {formatDateTime(item.acknowledgedAt)}
                        </Typography>
                      )}
                    </>
                  }
                />
              </ListItem>
            );
          })}
        </List>
      )}
      {attention && attention.totalCount > items.length && (
        <Link component={RouterLink} to="/deployments?status=FAILED" variant="body2">
          {plural(attention.totalCount - items.length, 'more item')}: all failed deployments of the last{' '}
          {plural(failureWindowDays, 'day')}
        </Link>
      )}
      {(acknowledgedCount > 0 || showAcknowledged) && (
        <FormControlLabel
          control={
            <Switch size="small" checked={showAcknowledged} onChange={(event) => setShowAcknowledged(event.target.checked)} />
          }
          label={`Show acknowledged (${acknowledgedCount})`}
        />
      )}
    </Stack>
  );
}
