// One build script for everything that ships or runs inside VS Code:
//  - dist/extension.js     the extension host bundle (CommonJS, `vscode` external)
//  - dist/cli.js           the headless CLI over the same engine (`bin` in package.json)
//  - dist/chunks/aws.js    AWS SDK clients, required on first use only
//  - dist/chunks/auth0.js  Auth0 Management API client, required on first use only
//  - dist/chunks/jose.js   jose (JWT signature checks), required on first use only
//  - dist/webview/*.js     webview scripts (browser, IIFE)
//  - dist/test/vscode/**   the in-host test runner and suites (not packaged)
import * as esbuild from 'esbuild';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
/** Where the bundles go (default dist/); test/unit/bundle.test.ts builds into a temp dir. */
const out = (process.env.A0C_OUTDIR ?? 'dist').replace(/\/+$/, '');

/**
 * Lazy chunks: the engine loads them with `require('./chunks/<name>')` from source.
 * In the bundles, that require stays a runtime require of dist/chunks/<name>.js instead
 * of being inlined, so activation never pays for the SDKs.
 */
const lazyChunks = {
  name: 'lazy-chunks',
  setup(build) {
    build.onResolve({ filter: /(^|\/)chunks\/(aws|auth0|jose)$/ }, (args) => {
      if (args.importer.includes(`${join('src', 'engine', 'chunks')}`)) return undefined;
      const name = args.path.split('/').pop();
      const outdir = build.initialOptions.outfile ? build.initialOptions.outfile.replace(/[^/]+$/, '') : `${out}/`;
      const rel = outdir.slice(out.length).split('/').filter(Boolean).map(() => '..').join('/');
      return { path: `${rel ? rel + '/' : './'}chunks/${name}.js`, external: true };
    });
  },
};

function walk(dir, pred) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p, pred));
    else if (pred(p)) out.push(p);
  }
  return out;
}

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  sourcesContent: false,
  minify: production,
  logLevel: 'warning',
  external: ['vscode'],
  plugins: [lazyChunks],
  // Test-only hooks (src/vscode/testHooks.ts) are in development builds only: the minifier
  // drops \`if (process.env.A0C_TEST_HOOKS === '1')\` branches from production builds.
  define: { 'process.env.A0C_TEST_HOOKS': production ? '"0"' : '"1"' },
};

const configs = [
  { ...node, entryPoints: ['src/vscode/extension.ts'], outfile: `${out}/extension.js` },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: `${out}/cli.js`, banner: { js: '#!/usr/bin/env node' } },
  { ...node, entryPoints: ['src/engine/chunks/aws.ts'], outfile: `${out}/chunks/aws.js` },
  { ...node, entryPoints: ['src/engine/chunks/auth0.ts'], outfile: `${out}/chunks/auth0.js` },
  { ...node, entryPoints: ['src/engine/chunks/jose.ts'], outfile: `${out}/chunks/jose.js` },
  {
    bundle: true, platform: 'browser', format: 'iife', target: 'es2022', minify: production,
    sourcemap: !production, logLevel: 'warning',
    // Each top-level media/*.ts is one webview's script; media/lib/ holds what they share.
    entryPoints: readdirSync('media').filter((f) => f.endsWith('.ts')).map((f) => join('media', f)),
    outdir: `${out}/webview`,
  },
];

if (!production) {
  // In-host test runner and suites, plus the launcher that drives code-server + Chromium.
  const suites = walk('test/vscode', (p) => p.endsWith('.ts'));
  const ui = walk('test/ui', (p) => p.endsWith('.ts'));
  configs.push({
    ...node, entryPoints: [...suites, ...ui], outdir: `${out}/test`, outbase: 'test',
    external: ['vscode', 'mocha', 'playwright-core'], plugins: [],
  });
}

const filtered = configs.filter((c) => (c.entryPoints ?? []).length > 0);
if (watch) {
  for (const c of filtered) await (await esbuild.context(c)).watch();
} else {
  await Promise.all(filtered.map((c) => esbuild.build(c)));
}
