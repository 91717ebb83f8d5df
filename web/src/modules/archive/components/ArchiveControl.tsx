import type { ApolloCache } from '@apollo/client';
import { useApolloClient } from '@apollo/client/react';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import Link from '@mui/material/Link';
import TextField from '@mui/material/TextField';
import { useId, useState, type ReactNode } from 'react';
import { Link as RouterLink } from 'react-router';
import {
  ArchiveApplicationDocument,
  ArchiveInstallationDocument,
  ArchiveReleaseTrackDocument,
  ArchiveTenantDocument,
  RestoreApplicationDocument,
  RestoreInstallationDocument,
  RestoreReleaseTrackDocument,
  RestoreTenantDocument,
} from '../../../generated/graphql';
import { describeError } from '../../apollo/errors';

/** What can be archived, and how the API names it. */
export type ArchiveSubject =
  | { kind: 'tenant'; slug: string }
  | { kind: 'installation'; tenantSlug: string; slug: string }
  | { kind: 'application'; slug: string }
  | { kind: 'track'; slug: string };

const KIND_WORD: Record<ArchiveSubject['kind'], string> = {
  tenant: 'tenant',
  installation: 'installation',
  application: 'application',
  track: 'release track',
};

const CONSEQUENCE: Record<ArchiveSubject['kind'], string> = {
  tenant: 'It and its installations leave the lists, selectors and rollouts. Its history stays, and it can be restored.',
  installation: 'It leaves the lists, selectors and rollouts. Its history stays, and it can be restored.',
  application: 'It leaves the lists and takes no new artifacts. Its history stays, and it can be restored.',
  track: 'It leaves the lists and takes no new releases. Its history stays, and it can be restored.',
};

function subjectName(subject: ArchiveSubject): string {
  return subject.kind === 'installation' ? `${subject.tenantSlug}/${subject.slug}` : subject.slug;
}

/** Lists and pickers that archiving changes: they are read again from the server the next time they are shown. */
function forgetLists(cache: ApolloCache) {
  for (const fieldName of ['tenants', 'tenant', 'installations', 'applications', 'releaseTracks', 'releaseTrack']) {
    cache.evict({ id: 'ROOT_QUERY', fieldName });
  }
  cache.gc();
}

/** A refusal, with the unfinished rollouts that block it when the server names them. */
interface Refusal {
  message: string;
  blockers: string[];
  rolloutIds: string[];
}

function refusalOf(caught: unknown): Refusal {
  if (CombinedGraphQLErrors.is(caught)) {
    const extensions = caught.errors[0]?.extensions ?? {};
    const strings = (value: unknown) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
    return { message: describeError(caught), blockers: strings(extensions.blockers), rolloutIds: strings(extensions.rolloutIds) };
  }
  return { message: describeError(caught), blockers: [], rolloutIds: [] };
}

/** A blocker line with the rollout it names as a link to that rollout. */
function BlockerLine({ line, rolloutIds }: { line: string; rolloutIds: string[] }) {
  const id = rolloutIds.find((candidate) => line.includes(candidate));
  if (!id) return <>{line}</>;
  const at = line.indexOf(id);
  return (
    <>
      {line.slice(0, at)}
      <Link component={RouterLink} to={`/rollouts/${encodeURIComponent(id)}`}>
        {id}
      </Link>
      {line.slice(at + id.length)}
    </>
  );
}

export interface ArchiveControlProps {
  subject: ArchiveSubject;
  /** Whether it is archived now: the control then restores it. */
  archived: boolean;
  size?: 'small' | 'medium';
}

/**
 * Archive (or Restore) for one object, behind a dialog that asks why. A refused archive lists the rollouts that
 * still have work there, each linked. Show it only to users allowed to do it; the server checks again.
 */
export function ArchiveControl({ subject, archived, size = 'small' }: ArchiveControlProps) {
  const client = useApolloClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [busy, setBusy] = useState(false);
  const titleId = useId();
  const name = subjectName(subject);
  const kindWord = KIND_WORD[subject.kind];
  const verb = archived ? 'Restore' : 'Archive';

  const close = () => {
    if (busy) return;
    setOpen(false);
    setReason('');
    setRefusal(null);
  };

  const run = async (why: string) => {
    const options = { update: forgetLists };
    switch (subject.kind) {
      case 'tenant': {
        const input = { slug: subject.slug, reason: why };
        const mutation = archived ? RestoreTenantDocument : ArchiveTenantDocument;
        return client.mutate({ mutation, variables: { input }, ...options });
      }
      case 'installation': {
        const input = { tenantSlug: subject.tenantSlug, slug: subject.slug, reason: why };
        const mutation = archived ? RestoreInstallationDocument : ArchiveInstallationDocument;
        return client.mutate({ mutation, variables: { input }, ...options });
      }
      case 'application': {
        const input = { slug: subject.slug, reason: why };
        const mutation = archived ? RestoreApplicationDocument : ArchiveApplicationDocument;
        return client.mutate({ mutation, variables: { input }, ...options });
      }
      case 'track': {
        const input = { slug: subject.slug, reason: why };
        const mutation = archived ? RestoreReleaseTrackDocument : ArchiveReleaseTrackDocument;
        return client.mutate({ mutation, variables: { input }, ...options });
      }
    }
  };

  const trimmed = reason.trim();
  let problem: ReactNode = null;
  if (refusal) {
    problem = (
      <Alert severity="error" sx={{ mt: 1 }}>
        {refusal.message}
        {refusal.blockers.length > 0 && (
          <ul aria-label="Blockers" style={{ margin: '8px 0 0', paddingLeft: 20 }}>
            {refusal.blockers.map((line) => (
              <li key={line}>
                <BlockerLine line={line} rolloutIds={refusal.rolloutIds} />
              </li>
            ))}
          </ul>
        )}
      </Alert>
    );
  }

  return (
    <>
      <Button
        size={size}
        color={archived ? 'primary' : 'warning'}
        variant="outlined"
        aria-label={`${verb} ${kindWord} ${name}`}
        onClick={() => setOpen(true)}
      >
        {verb}
      </Button>
      <Dialog open={open} onClose={close} fullWidth maxWidth="sm" aria-labelledby={titleId}>
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            if (!trimmed) {
              setRefusal({ message: 'Give a reason: it is recorded in the audit log.', blockers: [], rolloutIds: [] });
              return;
            }
            setBusy(true);
            setRefusal(null);
            run(trimmed).then(
              () => {
                setBusy(false);
                setOpen(false);
                setReason('');
              },
              (caught: unknown) => {
                setBusy(false);
                setRefusal(refusalOf(caught));
              },
            );
          }}
        >
          <DialogTitle id={titleId}>{`${verb} ${kindWord} ${name}?`}</DialogTitle>
          <DialogContent>
            <DialogContentText sx={{ mb: 1 }}>
              {archived ? 'It comes back to the lists, selectors and rollouts.' : CONSEQUENCE[subject.kind]}
            </DialogContentText>
            <TextField
              autoFocus
              required
              fullWidth
              multiline
              minRows={2}
              margin="dense"
              label="Reason"
              value={reason}
              onChange={(event) => setReason(event.target.value)}
              error={refusal !== null && !trimmed}
            />
            {problem}
          </DialogContent>
          <DialogActions>
            <Button onClick={close} disabled={busy}>
              Cancel
            </Button>
            <Button type="submit" variant="contained" color={archived ? 'primary' : 'warning'} disabled={busy}>
              {busy ? `${verb}…` : verb}
            </Button>
          </DialogActions>
        </form>
      </Dialog>
    </>
  );
}
