import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
let webDir: string;

beforeAll(async () => {
  webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shiplog-web-'));
  fs.mkdirSync(path.join(webDir, 'assets'));
  fs.writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><title>Shiplog app</title>');
  fs.writeFileSync(path.join(webDir, 'assets', 'app.js'), 'console.log(1)');
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
