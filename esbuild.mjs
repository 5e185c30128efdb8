// One build script for everything that ships or runs inside VS Code:
//  - dist/extension.js     the extension host bundle (CommonJS, `vscode` external)
//  - dist/cli.js           the headless CLI over the same engine (`bin` in package.json)
//  - dist/chunks/aws.js    AWS SDK clients (src/engine/aws/sdk.ts), required on first use only
//  - dist/chunks/auth0.js  Auth0 Management API client (src/engine/auth0/sdk.ts), required on first use only
//  - dist/chunks/cli-*.js the CLI's commands other than `thumbprint` (src/cli/setup.ts, inspectToken.ts), required by dist/cli.js on demand
//  - dist/chunks/<engine>.js  the engines the VS Code layer loads on first use (src/engine/chunks/*.ts,
//                          required through src/vscode/load/*.ts), so activation loads none of them
//  - dist/webview/*.js     webview scripts (browser, IIFE)
//  - dist/test/vscode/**   the in-host test runner and suites (not packaged)
import * as esbuild from 'esbuild';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
/** Where the bundles go (default dist/); test/unit/package/bundle.test.ts builds into a temp dir. */
const out = (process.env.A0C_OUTDIR ?? 'dist').replace(/\/+$/, '');

/**
 * Lazy chunks: each is an entry file of the engine, named by what it holds, and bundled on its own
 * into dist/chunks/<name>.js. The engine loads them with a plain relative require from source
 * (`require('./sdk')` in src/engine/aws/config.ts, ...). In every other bundle, that require stays
 * a runtime require of dist/chunks/<name>.js instead of being inlined, so activation never pays
 * for the SDKs.
 */
const CHUNKS = {
  'src/engine/aws/sdk.ts': 'aws',
  'src/engine/auth0/sdk.ts': 'auth0',
  // The CLI's heavier commands, required by src/cli/main.ts when run (`thumbprint` loads neither).
  'src/cli/setup.ts': 'cli-setup',
  'src/cli/inspectToken.ts': 'cli-inspect-token',
  'src/cli/teardown.ts': 'cli-teardown',
  'src/cli/resources.ts': 'cli-resources',
  // The engines behind the VS Code layer, each required through its loader in src/vscode/load/.
  'src/engine/chunks/token.ts': 'token',
  'src/engine/chunks/inspect.ts': 'inspect',
  'src/engine/chunks/fixes.ts': 'fixes',
  'src/engine/chunks/plan.ts': 'plan',
  'src/engine/chunks/setup.ts': 'setup',
  'src/engine/chunks/resources.ts': 'resources',
  'src/engine/chunks/thumbprint.ts': 'thumbprint',
  'src/engine/chunks/trust.ts': 'trust',
  // VS Code layer code used only once a feature is opened (its loader is in src/vscode/load/).
  'src/vscode/wizardController.ts': 'wizard',
  'src/vscode/wizardRoles.ts': 'wizard-roles',
  'src/vscode/resourcesCommands.ts': 'resources-commands',
};

/** The chunk a relative import names (e.g. './sdk' from src/engine/aws/), or undefined. */
function chunkOf(resolveDir, spec) {
  const file = relative(process.cwd(), resolve(resolveDir, spec)).split('\\').join('/');
  return CHUNKS[file] ?? CHUNKS[`${file}.ts`];
}

const lazyChunks = {
  name: 'lazy-chunks',
  setup(build) {
    const entries = (build.initialOptions.entryPoints ?? []).map((e) => relative(process.cwd(), resolve(e)).split('\\').join('/'));
    // Every relative import is looked up in CHUNKS (the table decides, not the file name).
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const name = chunkOf(args.resolveDir, args.path);
      if (!name) return undefined;
      // Inside the chunk's own bundle (its files import one another), bundle it.
      if (entries.some((e) => CHUNKS[e] === name)) return undefined;
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
  // The CLI's `--version` (src/cli/main.ts): the package version, built in so that it reads no
  // package.json at run time.
  define: {
    'process.env.A0C_TEST_HOOKS': production ? '"0"' : '"1"',
    A0C_CLI_VERSION: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version),
  },
};

const configs = [
  { ...node, entryPoints: ['src/vscode/extension.ts'], outfile: `${out}/extension.js` },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: `${out}/cli.js`, banner: { js: '#!/usr/bin/env node' } },
  ...Object.entries(CHUNKS).map(([entry, name]) => ({ ...node, entryPoints: [entry], outfile: `${out}/chunks/${name}.js` })),
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
  // A0C_METAFILE=1: also write <out>/meta.json, the inputs of every output (test/unit/package/bundle.test.ts reads it).
  const meta = process.env.A0C_METAFILE === '1';
  const results = await Promise.all(filtered.map((c) => esbuild.build(meta ? { ...c, metafile: true } : c)));
  if (meta) {
    const outputs = Object.assign({}, ...results.map((r) => r.metafile.outputs));
    writeFileSync(`${out}/meta.json`, JSON.stringify({ outputs }));
  }
}
