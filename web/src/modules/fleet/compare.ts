import { compareVersions } from '@shiplog/shared';

/** How what runs on an installation for one application stands against a release. */
export type Drift = 'SAME' | 'BEHIND' | 'AHEAD' | 'NOT_IN_RELEASE' | 'MISSING' | 'NOT_INSTALLED';

/**
 * `running`: the version running now (null: nothing runs); `wanted`: the release's version for the application
 * (undefined: the release has no such component).
 */
export function driftOf(running: string | null, wanted: string | null | undefined): Drift {
  if (wanted === undefined || wanted === null) return running === null ? 'NOT_INSTALLED' : 'NOT_IN_RELEASE';
  if (running === null) return 'MISSING';
  const order = compareVersions(running, wanted);
  return order === 0 ? 'SAME' : order < 0 ? 'BEHIND' : 'AHEAD';
}

export interface DriftLook {
  /** How it reads in a sentence: "api 1.2.0, same as release". */
  phrase: string;
  /** The short name in the legend and on chips. */
  label: string;
  background: string;
  color: string;
  border: string;
}

// Colours meet 4.5:1 contrast for their text; each state also has a word, so colour is never the only cue.
export const DRIFT_LOOK: Record<Drift, DriftLook> = {
  SAME: { label: 'Same', phrase: 'same as release', background: '#e3f4e8', color: '#1c5e31', border: '#7cc495' },
  BEHIND: { label: 'Older', phrase: 'older than release', background: '#fff1d6', color: '#7a4a00', border: '#e0ae4c' },
  AHEAD: { label: 'Newer', phrase: 'newer than release', background: '#e3ecfb', color: '#1b3f7a', border: '#86a6dd' },
  NOT_IN_RELEASE: {
    label: 'Not in release',
    phrase: 'not in release',
    background: '#efeaf7',
    color: '#4a3570',
    border: '#b3a1d3',
  },
  MISSING: { label: 'Missing', phrase: 'missing, release has it', background: '#fde7e7', color: '#8a1c1c', border: '#e39a9a' },
  NOT_INSTALLED: { label: 'Not installed', phrase: 'not installed', background: '#f4f5f7', color: '#4b5563', border: '#d5d9e0' },
};

/** The drift words used on the tenant page, where "behind" and "ahead" read better than older/newer. */
export const DRIFT_WORD: Record<Drift, string> = {
  SAME: 'same',
  BEHIND: 'behind',
  AHEAD: 'ahead',
  NOT_IN_RELEASE: 'not in release',
  MISSING: 'missing',
  NOT_INSTALLED: 'not installed',
};
