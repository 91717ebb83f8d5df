import { useMutation, useQuery } from '@apollo/client/react';
import Alert from '@mui/material/Alert';
import Breadcrumbs from '@mui/material/Breadcrumbs';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import LinearProgress from '@mui/material/LinearProgress';
import Link from '@mui/material/Link';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { Link as RouterLink, useNavigate, useParams } from 'react-router';
import { NewRolloutReleaseDocument, PreviewRolloutDocument, StartRolloutDocument } from '../generated/graphql';
import type { FailurePolicy } from '../generated/graphql';
import { describeError } from '../modules/apollo/errors';
import { useCan } from '../modules/auth/hooks/useCan';
import { RolloutPreview } from '../modules/rollout/components/RolloutPreview';
import { RolloutTargetChooser } from '../modules/rollout/components/RolloutTargetChooser';
import { RolloutWavesEditor } from '../modules/rollout/components/RolloutWavesEditor';
import { startSettings, toPlanInput, useRolloutForm, waveProblem } from '../modules/rollout/hooks/useRolloutForm';
import { LoadErrorAlert } from '../modules/ui/LoadErrorAlert';

const POLICIES: { value: FailurePolicy; label: string }[] = [
  { value: 'PAUSE', label: 'Pause: stop starting installations and wait for a person' },
  { value: 'ROLLBACK', label: 'Roll back: return the failed installation to its last good artifacts' },
  { value: 'CONTINUE', label: 'Continue: record the failure and go on' },
];

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Paper variant="outlined" component="section" aria-label={title} sx={{ p: 2 }}>
      <Typography variant="h6" component="h2" sx={{ mb: 2 }}>
        {title}
      </Typography>
      {children}
    </Paper>
  );
}

export default function NewRolloutPage() {
  const releaseId = useParams().id ?? '';
  const navigate = useNavigate();
  const { form, update, flush } = useRolloutForm();
  const [reason, setReason] = useState('');
  // Only release managers may plan and start rollouts; others get a plain answer instead of a form that fails.
  const allowed = useCan('RELEASE_MANAGER');
  const release = useQuery(NewRolloutReleaseDocument, { variables: { id: releaseId }, skip: !allowed });
  const planInput = toPlanInput(releaseId, form);
  const preview = useQuery(PreviewRolloutDocument, {
    variables: { input: planInput ?? { releaseId } },
    skip: planInput === null || !allowed,
    fetchPolicy: 'network-only',
  });
  const [start, starting] = useMutation(StartRolloutDocument);
  const [refusal, setRefusal] = useState<string | null>(null);

  const data = release.data?.release;
  if (!allowed) {
    return (
      <Stack spacing={2}>
        <title>New rollout · Shiplog</title>
        <Typography variant="h4" component="h1">
          New rollout
        </Typography>
        <Alert severity="info">
          Starting a rollout needs the release manager role. You can follow rollouts on the{' '}
          <Link component={RouterLink} to="/rollouts">
            Rollouts
          </Link>{' '}
          page.
        </Alert>
      </Stack>
    );
  }
  if (!data) {
    return (
      <Stack spacing={2}>
        <title>New rollout · Shiplog</title>
        <Typography variant="h4" component="h1">
          New rollout
        </Typography>
        {release.loading && <LinearProgress aria-label="Loading release" />}
        {release.error && (
          <LoadErrorAlert what="the release" error={describeError(release.error)} onRetry={() => void release.refetch()} />
        )}
        {release.data && !data && <Alert severity="warning">There is no such release.</Alert>}
      </Stack>
    );
  }

  const name = `${data.track.name} ${data.version}`;
  const plan = preview.data?.previewRollout;
  const settings = startSettings(form);
  const canStart =
    data.status === 'LOCKED' &&
    planInput !== null &&
    plan !== undefined &&
    plan.blockers.length === 0 &&
    form.waves.every((wave) => waveProblem(wave) === null) &&
    reason.trim() !== '' &&
    !preview.loading;

  async function onStart() {
    if (!planInput) return;
    setRefusal(null);
    try {
      const result = await start({ variables: { input: { ...planInput, ...settings, reason: reason.trim() } } });
      if (result.data) await navigate(`/rollouts/${result.data.startRollout.id}`);
    } catch (error) {
      setRefusal(describeError(error));
    }
  }

  return (
    // Leaving a field writes the form to the URL at once, so a reload right after keeps it.
    <Stack spacing={3} onBlur={flush}>
      <title>{`Roll out ${name} · Shiplog`}</title>
      <Breadcrumbs aria-label="Breadcrumb">
        <Link component={RouterLink} to={`/tracks/${encodeURIComponent(data.track.slug)}`}>
          {data.track.name}
        </Link>
        <Link component={RouterLink} to={`/releases/${data.id}`}>
          {data.version}
        </Link>
        <Typography color="text.primary">New rollout</Typography>
      </Breadcrumbs>
      <Typography variant="h4" component="h1">
        Roll out {name}
      </Typography>
      {data.status !== 'LOCKED' && (
        <Alert severity="warning">
          This release is {data.status.toLowerCase().replace('_', ' ')}; only a locked release can roll out.
        </Alert>
      )}

      <Section title="Targets">
        <RolloutTargetChooser form={form} tiers={release.data?.environmentTiers.map((t) => t.name) ?? []} onChange={update} />
      </Section>

      <Section title="Waves">
        <RolloutWavesEditor waves={form.waves} onChange={(waves) => update({ waves })} />
        {form.waves.length > 0 && (
          <FormControlLabel
            control={
              <Checkbox checked={form.allowEmptyWaves} onChange={(event) => update({ allowEmptyWaves: event.target.checked })} />
            }
            label="Start even if a wave would take no installation (that wave is left out)"
          />
        )}
      </Section>

      <Section title="Pace and failures">
        <Stack direction={{ xs: 'column', md: 'row' }} spacing={2}>
          <TextField
            label="Max parallel"
            value={form.maxParallel}
            onChange={(event) => update({ maxParallel: event.target.value })}
            error={settings.maxParallel === null}
            helperText="Installations deploying at once"
            slotProps={{ htmlInput: { inputMode: 'numeric' } }}
          />
          <TextField
            select
            label="Failure policy"
            value={form.failurePolicy}
            onChange={(event) => update({ failurePolicy: event.target.value as FailurePolicy })}
            sx={{ minWidth: 280, flexGrow: 1 }}
          >
            {POLICIES.map((policy) => (
              <MenuItem key={policy.value} value={policy.value}>
                {policy.label}
              </MenuItem>
            ))}
          </TextField>
          <TextField
            label="Error budget %"
            value={form.errorBudgetPercent}
            onChange={(event) => update({ errorBudgetPercent: event.target.value })}
            helperText="Fail the rollout past this share of failed installations"
            slotProps={{ htmlInput: { inputMode: 'numeric' } }}
          />
          {form.waves.length > 0 && (
            <TextField
              label="Promote after (s)"
              value={form.promoteAfterSeconds}
              onChange={(event) => update({ promoteAfterSeconds: event.target.value })}
              helperText="Empty: wait for a person to promote"
              slotProps={{ htmlInput: { inputMode: 'numeric' } }}
            />
          )}
        </Stack>
      </Section>

      <Section title="Preview">
        {planInput === null && (
          <Typography color="text.secondary">Choose tenants, labels, tiers or installations to see the plan.</Typography>
        )}
        {preview.loading && <LinearProgress aria-label="Loading preview" />}
        {preview.error && (
          <LoadErrorAlert what="the preview" error={describeError(preview.error)} onRetry={() => void preview.refetch()} />
        )}
        {planInput !== null && plan && <RolloutPreview plan={plan} releaseId={releaseId} />}
      </Section>

      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ alignItems: { sm: 'flex-start' } }}>
        <TextField
          required
          label="Reason"
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          helperText="Recorded on every deployment of this rollout"
          sx={{ flexGrow: 1 }}
        />
        <Button variant="contained" size="large" disabled={!canStart || starting.loading} onClick={() => void onStart()}>
          {starting.loading ? 'Starting…' : 'Start rollout'}
        </Button>
      </Stack>
      {refusal && (
        <Alert severity="error" role="alert">
          {refusal}
        </Alert>
      )}
    </Stack>
  );
}
