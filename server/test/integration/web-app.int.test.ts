import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
let webDir: string;
/** A hashed bundle large enough to be worth compressing. */
const BUNDLE = Array.from({ length: 2000 }, (_, i) => `export const value${i} = ${i};`).join('\n');

beforeAll(async () => {
  webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shiplog-web-'));
  fs.mkdirSync(path.join(webDir, 'assets'));
  fs.writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><title>Shiplog app</title>');
  fs.writeFileSync(path.join(webDir, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(webDir, 'assets', 'index-Ab12Cd34.js'), BUNDLE);
  server = await startTestServer({ SHIPLOG_WEB_DIR: webDir });
});
afterAll(async () => {
  await server.close();
  fs.rmSync(webDir, { recursive: true, force: true });
});

const get = (pathname: string, accept: string) => fetch(`${server.url}${pathname}`, { headers: { accept } });
const PAGE = 'text/html,application/xhtml+xml,*/*;q=0.8';

describe('the web app', () => {
  it('answers a page the browser navigates to with the app, also when its path has a dot (a version)', async () => {
    for (const pathname of ['/deployments', '/artifacts/api/1.2.0', '/artifacts/api/2.0.0-rc.1']) {
      const response = await get(pathname, PAGE);
      expect([pathname, response.status]).toEqual([pathname, 200]);
      expect(await response.text()).toContain('Shiplog app');
    }
  });

  it('answers a missing file asked for by a script or stylesheet with 404, not the app', async () => {
    expect((await get('/favicon-missing.ico', 'image/*')).status).toBe(404);
    expect((await get('/missing.js', '*/*')).status).toBe(404);
    expect((await get('/assets/missing.js', '*/*')).status).toBe(404);
    expect((await get('/assets/app.js', '*/*')).status).toBe(200);
  });
});

describe('the dashboard’s security headers', () => {
  /** The directives of a Content-Security-Policy header, by name. */
  function directives(header: string | null): Record<string, string[]> {
    return Object.fromEntries(
      (header ?? '')
        .split(';')
        .map((part) => part.trim().split(/\s+/))
        .filter(([name]) => name)
        .map(([name, ...values]) => [name, values]),
    );
  }

  it('sends the app with a strict content policy: its own scripts only, never inline; never framed', async () => {
    const response = await get('/deployments', PAGE);
    const policy = directives(response.headers.get('content-security-policy'));
    expect(policy['script-src']).toEqual(["'self'"]);
    expect(policy['script-src-attr']).toEqual(["'none'"]);
    expect(policy['default-src']).toEqual(["'self'"]);
    expect(policy['object-src']).toEqual(["'none'"]);
    expect(policy['frame-ancestors']).toEqual(["'none'"]);
    expect(policy['connect-src']).toEqual(["'self'"]);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cache-control')).toBe('no-cache');
  });

  it('sends the API without sniffing or framing either', async () => {
    for (const response of [
      await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query":"{ viewer { name } }"}',
      }),
      await fetch(`${server.url}/api/deployments/x/status`, { method: 'POST' }),
      await fetch(`${server.url}/healthz`),
    ]) {
      expect([response.url, response.headers.get('x-content-type-options')]).toEqual([response.url, 'nosniff']);
      expect(response.headers.get('x-frame-options')).toBe('DENY');
    }
  });

  it('sends hashed bundles compressed and cached as immutable', async () => {
    for (const encoding of ['br', 'gzip']) {
      const response = await fetch(`${server.url}/assets/index-Ab12Cd34.js`, { headers: { 'accept-encoding': encoding } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-encoding')).toBe(encoding);
      expect(response.headers.get('cache-control')).toMatch(/immutable/);
      expect(response.headers.get('cache-control')).toMatch(/max-age=31536000/);
      expect(response.headers.get('content-type')).toMatch(/javascript/);
      expect(await response.text()).toBe(BUNDLE);
    }
  });
});
