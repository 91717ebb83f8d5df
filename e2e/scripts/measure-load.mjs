// Measures how fast the built dashboard shows the overview's data on this machine.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node e2e/scripts/measure-load.mjs [loads]
//
// Starts the built server (server/dist, web/dist: run `pnpm build` first) on a new database loaded with the demo
// data set, signs the demo admin in through the API, then opens the overview in Chromium `loads` times (7 by
// default), each in a fresh browser context so that nothing is cached. A load counts from the navigation's start
// to the moment the overview shows its data: the "In progress" section and the deployments chart, both of which
// render only once their queries answered. Prints each load, the median, the gzipped size of the initial
// JavaScript (the entry and the modules index.html preloads, as the server sends them) and the load average.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import pg from 'pg';

const root = path.resolve(import.meta.dirname, '..', '..');
const serverMain = path.join(root, 'server', 'dist', 'main.js');
const webIndex = path.join(root, 'web', 'dist', 'index.html');
const loads = Number(process.argv[2] ?? 7);
const databaseServer = process.env.DATABASE_URL;

if (!databaseServer) throw new Error('Set DATABASE_URL to a PostgreSQL server; the script makes and drops a database on it');
for (const file of [serverMain, webIndex]) {
  if (!fs.existsSync(file)) throw new Error(`${path.relative(root, file)} is missing: run pnpm build first`);
}

async function withClient(url, work) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

/** Starts the server and resolves with its URL and the demo admin's password, read from its log. */
function startServer(databaseUrl, port) {
  const child = spawn(process.execPath, [serverMain], {
    cwd: path.join(root, 'server'),
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      SHIPLOG_DEMO_DATA: 'true',
      SHIPLOG_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The server did not start within 120 s:\n${output}`)), 120_000);
    const read = (chunk) => {
      output += chunk.toString();
      const found = /with password '([^']+)'/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${port}`, password: found[1] });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The server exited (${code}) before it was ready:\n${output}`));
    });
  });
  return { child, ready };
}

function stopServer(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function signIn(url, password) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'apollo-require-preflight': 'true' },
    body: JSON.stringify({
      query: 'mutation ($input: SignInInput!) { signIn(input: $input) { token expiresAt } }',
      variables: { input: { username: 'admin', password } },
    }),
  });
  const body = await response.json();
  if (!body.data?.signIn) throw new Error(`Signing in failed: ${JSON.stringify(body.errors)}`);
  return body.data.signIn;
}

/** The bytes the server sends for `url` when gzip is accepted (fetch would decompress them), and its headers. */
function sent(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { 'accept-encoding': 'gzip' } }, (response) => {
        let bytes = 0;
        response.on('data', (chunk) => (bytes += chunk.length));
        response.on('end', () =>
          resolve({
            bytes,
            encoding: response.headers['content-encoding'],
            cacheControl: response.headers['cache-control'],
          }),
        );
      })
      .on('error', reject);
  });
}

/** The entry script and the modules index.html preloads, with the bytes the server sends for each (gzip accepted). */
async function initialJavaScript(url) {
  const html = fs.readFileSync(webIndex, 'utf8');
  const files = [
    ...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g),
  ].map((match) => match[1]);
  const sizes = [];
  for (const file of files) sizes.push({ file, ...(await sent(`${url}${file}`)) });
  return sizes;
}

async function measure(browser, url, session) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript((stored) => {
    window.localStorage.setItem('shiplog.session', stored);
    // Notes the moment both parts of the overview's data are on the page, relative to the navigation's start.
    const shown = () =>
      [...document.querySelectorAll('h2')].some((heading) => heading.textContent === 'In progress') &&
      document.querySelector('[role="img"][aria-label^="Deployments per day"]') !== null;
    new MutationObserver((_records, observer) => {
      if (shown()) {
        window.__overviewShownAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  }, JSON.stringify(session));
  const page = await context.newPage();
  try {
    await page.goto(`${url}/`);
    await page.waitForFunction(() => typeof window.__overviewShownAt === 'number', undefined, { timeout: 60_000 });
    return await page.evaluate(() => {
      const scripts = performance
        .getEntriesByType('resource')
        .filter((entry) => entry.name.endsWith('.js') && entry.startTime < window.__overviewShownAt);
      return {
        shownAt: window.__overviewShownAt,
        scripts: scripts.length,
        scriptBytes: scripts.reduce((sum, entry) => sum + entry.encodedBodySize, 0),
      };
    });
  } finally {
    await context.close();
  }
}

const name = `shiplog_load_${randomBytes(6).toString('hex')}`;
await withClient(databaseServer, (client) => client.query(`CREATE DATABASE "${name}"`));
const databaseUrl = new URL(databaseServer);
databaseUrl.pathname = `/${name}`;
const { child, ready } = startServer(databaseUrl.toString(), await freePort());
let browser;
try {
  const { url, password } = await ready;
  const session = await signIn(url, password);

  const index = await sent(`${url}/`);
  const sizes = await initialJavaScript(url);
  console.log(`index.html: Cache-Control ${index.cacheControl}, ${index.encoding ?? 'not compressed'}`);
  // The entry, a hashed asset (files outside /assets, such as color-scheme.js, are kept for an hour only).
  const entry = sizes.find((size) => size.file.startsWith('/assets/')) ?? sizes[0];
  console.log(`assets:     Cache-Control ${entry.cacheControl}, ${entry.encoding ?? 'not compressed'} (${entry.file})`);
  console.log('Initial JavaScript (entry and modulepreloads), as sent:');
  for (const size of sizes) console.log(`  ${size.file}  ${kb(size.bytes)} ${size.encoding ?? 'uncompressed'}`);
  const total = sizes.reduce((sum, size) => sum + size.bytes, 0);
  console.log(`  total ${kb(total)} in ${sizes.length} files`);

  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
  });
  // One load first so the server's own caches (query plans, compiled bundles in memory) are not what is measured.
  await measure(browser, url, session);
  const results = [];
  for (let load = 1; load <= loads; load += 1) {
    const result = await measure(browser, url, session);
    results.push(result);
    console.log(
      `load ${load}: overview data shown after ${result.shownAt.toFixed(0)} ms (${result.scripts} scripts, ${kb(result.scriptBytes)} before it)`,
    );
  }
  console.log(`median of ${loads} cold loads: ${median(results.map((result) => result.shownAt)).toFixed(0)} ms`);
  console.log(`initial JavaScript gzipped: ${kb(total)}`);
  console.log(
    `load average: ${os
      .loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')} (${os.cpus().length} cores)`,
  );
} finally {
  await browser?.close();
  await stopServer(child);
  await withClient(databaseServer, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}
