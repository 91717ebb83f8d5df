// Bundles the shiplog CLI (src/cli) into one file that needs only Node: dist/cli/shiplog.mjs.
import { build } from 'esbuild';

const { version } = JSON.parse(await import('node:fs').then((fs) => fs.promises.readFile('package.json', 'utf8')));

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/cli/shiplog.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // ws's optional native helpers: absent, ws uses its own code.
  external: ['bufferutil', 'utf-8-validate'],
  define: { SHIPLOG_CLI_VERSION: JSON.stringify(version) },
  // The bundled CommonJS libraries require Node's built-in modules.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as shiplogCreateRequire } from 'node:module';\nconst require = shiplogCreateRequire(import.meta.url);",
  },
  legalComments: 'none',
  logLevel: 'warning',
});
