import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A signed-in session, stored per profile. */
export interface Profile {
  url: string;
  token: string;
  username: string;
  expiresAt?: string;
}

interface ProfileFile {
  profiles: Record<string, Profile>;
}

/** $XDG_CONFIG_HOME/shiplog/config.json, or ~/.config/shiplog/config.json. */
export function configPath(environment: NodeJS.ProcessEnv = process.env): string {
  const base = environment.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(base, 'shiplog', 'config.json');
}

function read(file: string): ProfileFile {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<ProfileFile>;
    return { profiles: parsed.profiles && typeof parsed.profiles === 'object' ? parsed.profiles : {} };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: {} };
    throw new Error(`Cannot read ${file}: ${(error as Error).message}`);
  }
}

/** Written readable only by its owner (0600, in a 0700 folder), replacing the old file in one step. */
function write(file: string, content: ProfileFile): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(temporary, 0o600);
  fs.renameSync(temporary, file);
}

export function loadProfile(name: string): Profile | undefined {
  return read(configPath()).profiles[name];
}

export function saveProfile(name: string, profile: Profile): string {
  const file = configPath();
  const content = read(file);
  content.profiles[name] = profile;
  write(file, content);
  return file;
}

/** Forgets a profile's session; true when there was one. */
export function removeProfile(name: string): boolean {
  const file = configPath();
  const content = read(file);
  if (!content.profiles[name]) return false;
  delete content.profiles[name];
  write(file, content);
  return true;
}
