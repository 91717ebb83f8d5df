import { useCallback, useEffect, useRef, useState } from 'react';
import { useLocation, useSearchParams } from 'react-router';
import type { FailurePolicy, LabelInput, RolloutPlanInput, WaveInput } from '../../../generated/graphql';

export type TargetMode = 'selector' | 'installations';

/** A wave as the form edits it: the first installations by count or percent, or the tenants with a label. */
export interface WaveDraft {
  kind: 'count' | 'percent' | 'label';
  value: string;
}

/** Everything the new-rollout form holds but the reason; kept in the URL so a plan can be shared before it starts. */
export interface RolloutForm {
  mode: TargetMode;
  tenantSlugs: string[];
  tenantLabels: string[];
  tiers: string[];
  installationIds: string[];
  waves: WaveDraft[];
  maxParallel: string;
  failurePolicy: FailurePolicy;
  errorBudgetPercent: string;
  promoteAfterSeconds: string;
  allowEmptyWaves: boolean;
}

const POLICIES: FailurePolicy[] = ['PAUSE', 'ROLLBACK', 'CONTINUE'];

function parseWave(text: string): WaveDraft | null {
  const [kind, ...rest] = text.split(':');
  const value = rest.join(':');
  return kind === 'count' || kind === 'percent' || kind === 'label' ? { kind, value } : null;
}

export function parseLabel(text: string): LabelInput | null {
  const at = text.indexOf('=');
  if (at <= 0) return null;
  const key = text.slice(0, at).trim();
  const value = text.slice(at + 1).trim();
  return key && value ? { key, value } : null;
}

function readForm(params: URLSearchParams): RolloutForm {
  const policy = params.get('policy') as FailurePolicy | null;
  return {
    mode: params.get('by') === 'installations' ? 'installations' : 'selector',
    tenantSlugs: params.getAll('tenant'),
    tenantLabels: params.getAll('label'),
    tiers: params.getAll('tier'),
    installationIds: params.getAll('installation'),
    waves: params
      .getAll('wave')
      .map(parseWave)
      .filter((wave): wave is WaveDraft => wave !== null),
    maxParallel: params.get('parallel') ?? '5',
    failurePolicy: policy && POLICIES.includes(policy) ? policy : 'PAUSE',
    errorBudgetPercent: params.get('budget') ?? '',
    promoteAfterSeconds: params.get('promoteAfter') ?? '',
    allowEmptyWaves: params.get('emptyWaves') === 'allow',
  };
}

function writeForm(form: RolloutForm): URLSearchParams {
  const params = new URLSearchParams();
  if (form.mode === 'installations') params.set('by', 'installations');
  for (const slug of form.tenantSlugs) params.append('tenant', slug);
  for (const label of form.tenantLabels) params.append('label', label);
  for (const tier of form.tiers) params.append('tier', tier);
  for (const id of form.installationIds) params.append('installation', id);
  for (const wave of form.waves) params.append('wave', `${wave.kind}:${wave.value}`);
  if (form.maxParallel !== '5') params.set('parallel', form.maxParallel);
  if (form.failurePolicy !== 'PAUSE') params.set('policy', form.failurePolicy);
  if (form.errorBudgetPercent) params.set('budget', form.errorBudgetPercent);
  if (form.promoteAfterSeconds) params.set('promoteAfter', form.promoteAfterSeconds);
  if (form.allowEmptyWaves) params.set('emptyWaves', 'allow');
  return params;
}

function positive(text: string): number | null {
  const value = Number(text);
  return text.trim() !== '' && Number.isInteger(value) && value > 0 ? value : null;
}

/** What is wrong with a wave as typed, or null when it can be planned. */
export function waveProblem(wave: WaveDraft): string | null {
  if (wave.kind === 'label') return parseLabel(wave.value) ? null : 'Give a label as key=value';
  if (positive(wave.value) === null) return wave.kind === 'count' ? 'Give a number, 1 or more' : 'Give a percent, 1 to 100';
  return null;
}

function toWaveInput(wave: WaveDraft): WaveInput | null {
  if (wave.kind === 'label') {
    const label = parseLabel(wave.value);
    return label ? { tenantLabels: [label] } : null;
  }
  const value = positive(wave.value);
  if (value === null) return null;
  return wave.kind === 'count' ? { count: value } : { percent: Math.min(value, 100) };
}

/**
 * The plan the form describes, or null while it names no installations. A wave typed wrong is left out of the
 * preview; `waveProblem` names it, and the rollout cannot start until it is fixed.
 */
export function toPlanInput(releaseId: string, form: RolloutForm): RolloutPlanInput | null {
  const waves = form.waves.map(toWaveInput).filter((wave): wave is WaveInput => wave !== null);
  const common = {
    releaseId,
    waves: waves.length > 0 ? waves : null,
    ...(form.allowEmptyWaves ? { allowEmptyWaves: true } : {}),
  };
  if (form.mode === 'installations') {
    return form.installationIds.length > 0 ? { ...common, installationIds: form.installationIds } : null;
  }
  const tenantLabels = form.tenantLabels.map(parseLabel).filter((label): label is LabelInput => label !== null);
  if (form.tenantSlugs.length === 0 && tenantLabels.length === 0 && form.tiers.length === 0) return null;
  return {
    ...common,
    selector: {
      tenantSlugs: form.tenantSlugs.length > 0 ? form.tenantSlugs : null,
      tenantLabels: tenantLabels.length > 0 ? tenantLabels : null,
      tiers: form.tiers.length > 0 ? form.tiers : null,
    },
  };
}

export function startSettings(form: RolloutForm) {
  return {
    maxParallel: positive(form.maxParallel),
    failurePolicy: form.failurePolicy,
    errorBudgetPercent: form.errorBudgetPercent.trim() === '' ? null : Number(form.errorBudgetPercent),
    promoteAfterSeconds: positive(form.promoteAfterSeconds),
  };
}

/** How long the form waits after the last change before it writes itself to the URL. */
const URL_WRITE_DELAY_MS = 400;

/**
 * The new-rollout form. It lives in React state, so every keystroke lands at once; the URL follows a moment after
 * the typing stops (or at once on `flush`, e.g. when a field loses focus), so a plan can still be shared or reloaded.
 * The URL is read when the page opens and when a navigation (back, a link) changes it, never on a keystroke.
 */
export function useRolloutForm() {
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const [form, setForm] = useState(() => readForm(params));
  const formRef = useRef(form);
  const written = useRef(params.toString());

  // Our own writes carry a mark; any other navigation to this page (a link, back) brings its form along.
  const ownWrite = (location.state as { rolloutForm?: boolean } | null)?.rolloutForm === true;
  useEffect(() => {
    if (ownWrite) return;
    written.current = location.search.replace(/^\?/, '');
    setForm(readForm(new URLSearchParams(location.search)));
    // Only a new history entry (location.key) is a navigation; re-renders of the same one are not.
  }, [location.key]);

  const flush = useCallback(() => {
    const next = writeForm(formRef.current).toString();
    if (next === written.current) return;
    written.current = next;
    setParams(new URLSearchParams(next), { replace: true, state: { rolloutForm: true } });
  }, [setParams]);

  useEffect(() => {
    formRef.current = form;
    const timer = setTimeout(flush, URL_WRITE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [form, flush]);

  const update = useCallback((change: Partial<RolloutForm>) => setForm((current) => ({ ...current, ...change })), []);
  return { form, update, flush };
}
