import { useMutation } from '@apollo/client/react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import FormControlLabel from '@mui/material/FormControlLabel';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import {
  UpdateInstallationSettingsDocument,
  type DeploymentDriver,
  type InstallationSettings_InstallationFragment,
} from '../../../generated/graphql';
import { describeError } from '../../apollo/errors';

const DRIVERS: { value: DeploymentDriver; label: string; hint: string }[] = [
  { value: 'WEBHOOK', label: 'Webhook', hint: 'Posts a signed request to an orchestrator, which reports progress back.' },
  { value: 'MANUAL', label: 'Manual', hint: 'Waits for a person to mark each deployment done.' },
  { value: 'SIMULATED', label: 'Simulated', hint: 'Completes by itself after a delay; for demos and tests.' },
];

type Config = Record<string, unknown>;

function asConfig(value: unknown): Config {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Config) : {};
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

interface Draft {
  driver: DeploymentDriver;
  url: string;
  newSecret: string;
  delayMs: string;
  fail: string;
  instructions: string;
  requiresApproval: boolean;
  frozen: boolean;
}

function draftOf(installation: InstallationSettings_InstallationFragment): Draft {
  const config = asConfig(installation.driverConfig);
  return {
    driver: installation.driver,
    url: text(config.url),
    newSecret: '',
    delayMs: text(config.delayMs),
    fail: Array.isArray(config.fail) ? config.fail.join(', ') : '',
    instructions: text(config.instructions),
    requiresApproval: installation.requiresApproval,
    frozen: installation.frozen,
  };
}

/**
 * The driver settings to send: with the same driver, what was read back (secrets as ********, which the server
 * keeps) with the edited fields over it; with another driver, only what its form holds.
 */
function configOf(installation: InstallationSettings_InstallationFragment, draft: Draft): Config {
  const base = draft.driver === installation.driver ? { ...asConfig(installation.driverConfig) } : {};
  switch (draft.driver) {
    case 'WEBHOOK':
      base.url = draft.url.trim();
      if (draft.newSecret) base.secret = draft.newSecret;
      return base;
    case 'SIMULATED': {
      const delay = draft.delayMs.trim();
      if (delay) base.delayMs = Number(delay);
      else delete base.delayMs;
      const fail = draft.fail
        .split(',')
        .map((slug) => slug.trim())
        .filter(Boolean);
      if (fail.length) base.fail = fail;
      else delete base.fail;
      return base;
    }
    case 'MANUAL':
      if (draft.instructions.trim()) base.instructions = draft.instructions.trim();
      else delete base.instructions;
      return base;
  }
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <>
      <Typography component="dt" variant="body2" color="text.secondary">
        {label}
      </Typography>
      <Typography component="dd" variant="body2" sx={{ m: 0, overflowWrap: 'anywhere' }}>
        {children}
      </Typography>
    </>
  );
}

/** What the page shows to people who may not change the settings. */
function SettingsFacts({ installation }: { installation: InstallationSettings_InstallationFragment }) {
  const config = asConfig(installation.driverConfig);
  const label = DRIVERS.find((d) => d.value === installation.driver)?.label ?? installation.driver;
  return (
    <Box component="dl" sx={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 2, rowGap: 0.75, m: 0 }}>
      <Fact label="Driver">{label}</Fact>
      {installation.driver === 'WEBHOOK' && <Fact label="URL">{text(config.url) || '–'}</Fact>}
      {installation.driver === 'WEBHOOK' && <Fact label="Secret">{config.secret ? 'set' : 'not set'}</Fact>}
      {installation.driver === 'MANUAL' && <Fact label="Instructions">{text(config.instructions) || '–'}</Fact>}
      <Fact label="Approval">{installation.requiresApproval ? 'Rollouts wait for an approval' : 'Not required'}</Fact>
      <Fact label="Freeze">{installation.frozen ? 'Frozen: left out of every rollout' : 'Not frozen'}</Fact>
    </Box>
  );
}

/** The installation's driver, approval and freeze settings; release managers change them, secrets are write-only. */
export function InstallationSettings({
  installation,
  canEdit,
}: {
  installation: InstallationSettings_InstallationFragment;
  canEdit: boolean;
}) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(installation));
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [update, { loading }] = useMutation(UpdateInstallationSettingsDocument);
  const secretSet = Boolean(asConfig(installation.driverConfig).secret) && installation.driver === 'WEBHOOK';
  const needsSecret = draft.driver === 'WEBHOOK' && !(secretSet && draft.driver === installation.driver);
  const change = (patch: Partial<Draft>) => {
    setSaved(false);
    setDraft((current) => ({ ...current, ...patch }));
  };

  const save = async () => {
    setSaved(false);
    if (draft.driver === 'WEBHOOK' && !draft.url.trim()) return setError('Give the URL the webhook posts to.');
    if (needsSecret && draft.newSecret.length < 16) return setError('Give a secret of at least 16 characters.');
    if (draft.newSecret && draft.newSecret.length < 16) return setError('A secret needs at least 16 characters.');
    if (draft.driver === 'SIMULATED' && draft.delayMs.trim() && !/^\d+$/.test(draft.delayMs.trim()))
      return setError('The delay is a whole number of milliseconds.');
    setError(null);
    try {
      const { data } = await update({
        variables: {
          input: {
            tenantSlug: installation.tenant.slug,
            slug: installation.slug,
            driver: draft.driver,
            driverConfig: configOf(installation, draft),
            requiresApproval: draft.requiresApproval,
            frozen: draft.frozen,
          },
        },
      });
      if (data) setDraft(draftOf(data.updateInstallation));
      setSaved(true);
    } catch (caught) {
      setError(describeError(caught));
    }
  };

  return (
    <Paper variant="outlined" component="section" aria-labelledby="installation-settings" sx={{ p: 2 }}>
      <Typography id="installation-settings" variant="h6" component="h2" gutterBottom>
        Settings
      </Typography>
      {!canEdit ? (
        <SettingsFacts installation={installation} />
      ) : (
        <Stack
          component="form"
          noValidate
          spacing={2}
          onSubmit={(event: React.FormEvent) => {
            event.preventDefault();
            void save();
          }}
          sx={{ maxWidth: 560 }}
        >
          <TextField
            select
            label="Driver"
            value={draft.driver}
            onChange={(event) => change({ driver: event.target.value as DeploymentDriver })}
            helperText={DRIVERS.find((d) => d.value === draft.driver)?.hint}
          >
            {DRIVERS.map((driver) => (
              <MenuItem key={driver.value} value={driver.value}>
                {driver.label}
              </MenuItem>
            ))}
          </TextField>
          {draft.driver === 'WEBHOOK' && (
            <>
              <TextField
                label="Webhook URL"
                type="url"
                value={draft.url}
                onChange={(event) => change({ url: event.target.value })}
                helperText="Credentials in the URL read back as ********; leave them so to keep them."
              />
              <Typography variant="body2" role="status">
                Signing secret: <strong>{secretSet && draft.driver === installation.driver ? 'set' : 'not set'}</strong>
              </Typography>
              <TextField
                label={needsSecret ? 'Signing secret' : 'Replace the signing secret'}
                type="password"
                autoComplete="new-password"
                value={draft.newSecret}
                onChange={(event) => change({ newSecret: event.target.value })}
                helperText={
                  needsSecret ? 'At least 16 characters; it cannot be read back.' : 'Leave empty to keep the current secret.'
                }
              />
            </>
          )}
          {draft.driver === 'SIMULATED' && (
            <>
              <TextField
                label="Delay (ms)"
                inputMode="numeric"
                value={draft.delayMs}
                onChange={(event) => change({ delayMs: event.target.value })}
              />
              <TextField
                label="Fail these applications"
                value={draft.fail}
                onChange={(event) => change({ fail: event.target.value })}
                helperText="Application slugs, separated by commas."
              />
            </>
          )}
          {draft.driver === 'MANUAL' && (
            <TextField
              label="Instructions"
              multiline
              minRows={2}
              value={draft.instructions}
              onChange={(event) => change({ instructions: event.target.value })}
            />
          )}
          <FormControlLabel
            control={
              <Switch checked={draft.requiresApproval} onChange={(event) => change({ requiresApproval: event.target.checked })} />
            }
            label="Rollouts wait for an approval"
          />
          <FormControlLabel
            control={<Switch checked={draft.frozen} onChange={(event) => change({ frozen: event.target.checked })} />}
            label="Frozen (left out of every rollout)"
          />
          {error && <Alert severity="error">{error}</Alert>}
          {saved && !error && (
            <Alert severity="success" role="status">
              Settings saved.
            </Alert>
          )}
          <Box>
            <Button type="submit" variant="contained" disabled={loading}>
              {loading ? 'Saving…' : 'Save settings'}
            </Button>
          </Box>
        </Stack>
      )}
    </Paper>
  );
}
