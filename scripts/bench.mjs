// Benchmark: prints numbers, asserts nothing.
//  - size of each bundle in dist/
//  - time to require dist/extension.js and run activate() (fresh process per run, median of N)
//  - which modules activation loaded: files (no dist/chunks/* among them: neither the SDK nor
//    the engine chunks) and Node built-ins
//  - time to require each lazy chunk on first use
// Run after a production build: `npm run bench` does both.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const dist = join(root, 'dist');
if (!existsSync(join(dist, 'extension.js'))) {
  console.error('dist/extension.js is missing: run `node esbuild.mjs --production` first (npm run bench does).');
  process.exit(1);
}
const runs = Number(process.env.BENCH_RUNS ?? 15);

function files(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === 'test' ? [] : files(p);
    return p.endsWith('.js') ? [p] : [];
  });
}

console.log('== bundle sizes ==');
for (const f of files(dist).sort()) {
  console.log(`bundle ${relative(root, f).padEnd(32)} ${(statSync(f).size / 1024).toFixed(1).padStart(9)} KiB`);
}

// One fresh Node process per measurement, so nothing is cached between runs.
// `vscode` is not available outside VS Code: a minimal stand-in answers the calls activate() makes.
const stub = String.raw`
const Module = require('node:module');
const path = require('node:path');
// Anything not listed answers with a callable, constructible stand-in (disposables, events,
// classes), so the stub keeps up as activate() grows.
const any = () => new Proxy(function () {}, {
  get: (_t, k) => (k === 'then' ? undefined : k === Symbol.toPrimitive ? () => '' : any()),
  apply: () => any(),
  construct: () => any(),
});
const ns = (o = {}) => new Proxy(o, { get: (t, k) => (k in t ? t[k] : any()) });
const vscodeStub = {
  version: 'bench',
  l10n: ns({ t: (s) => s }),
  workspace: ns({ getConfiguration: () => ({ get: (_k, d) => d, inspect: () => undefined }), workspaceFolders: undefined }),
  Uri: ns({ joinPath: (...a) => a.join('/'), file: (p) => p, parse: (p) => p }),
  env: ns({ uiKind: 1 }),
  UIKind: { Desktop: 1, Web: 2 },
};
for (const k of ['window', 'commands', 'languages', 'extensions', 'debug', 'tasks', 'authentication', 'EventEmitter', 'Disposable', 'TreeItem',
  'ThemeIcon', 'ThemeColor', 'MarkdownString', 'TreeItemCollapsibleState', 'ProgressLocation', 'ViewColumn', 'ConfigurationTarget', 'Range',
  'Position', 'CodeLens', 'Hover', 'FileDecoration', 'StatusBarAlignment', 'TreeItemCheckboxState', 'CancellationTokenSource']) vscodeStub[k] = any();
const load = Module._load;
`;
const probe = stub + String.raw`
const builtins = new Set();
let recording = false;
Module._load = function (request, ...rest) {
  if (request === 'vscode') return vscodeStub;
  if (recording && Module.isBuiltin(request)) builtins.add(request.replace(/^node:/, ''));
  return load.call(this, request, ...rest);
};
const before = new Set(Object.keys(require.cache));
recording = true;
const t0 = process.hrtime.bigint();
const ext = require(process.argv[1]);
const t1 = process.hrtime.bigint();
ext.activate({ subscriptions: [], extensionUri: process.argv[1], globalState: { get() {}, update: async () => {} }, workspaceState: { get() {}, update: async () => {} }, secrets: { get: async () => undefined, store: async () => {}, delete: async () => {}, onDidChange: () => ({ dispose() {} }) } });
const t2 = process.hrtime.bigint();
recording = false;
const loaded = Object.keys(require.cache).filter((k) => !before.has(k));
process.stdout.write(JSON.stringify({ requireMs: Number(t1 - t0) / 1e6, activateMs: Number(t2 - t1) / 1e6, loaded, builtins: [...builtins].sort() }));
`;

const samples = [];
let loaded = [];
let builtins = [];
for (let i = 0; i < runs; i++) {
  const out = JSON.parse(execFileSync(process.execPath, ['-e', probe, join(dist, 'extension.js')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  samples.push(out);
  loaded = out.loaded;
  builtins = out.builtins;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log('\n== activation (median of %d fresh processes) ==', runs);
console.log(`require(dist/extension.js)  ${median(samples.map((s) => s.requireMs)).toFixed(2)} ms`);
console.log(`activate()                  ${median(samples.map((s) => s.activateMs)).toFixed(2)} ms`);
console.log(`require + activate          ${median(samples.map((s) => s.requireMs + s.activateMs)).toFixed(2)} ms`);
console.log('modules loaded by require + activate:');
for (const m of loaded) console.log(`  ${relative(root, m)}`);
console.log(`  Node built-ins: ${builtins.length === 0 ? 'none' : builtins.join(', ')}`);
const chunks = loaded.filter((m) => m.includes(`${join('dist', 'chunks')}`));
console.log(`lazy chunks loaded at activation: ${chunks.length === 0 ? 'none' : chunks.map((c) => relative(root, c)).join(', ')}`);

console.log('\n== lazy chunks, first use (median of %d fresh processes) ==', Math.min(runs, 7));
for (const f of files(join(dist, 'chunks')).sort()) {
  const times = [];
  for (let i = 0; i < Math.min(runs, 7); i++) {
    // The VS Code layer's chunks (wizard, wizard-roles, resources-commands) require 'vscode': the same stand-in.
    const ms = execFileSync(process.execPath, ['-e',
      `${stub}Module._load = function (request, ...rest) { return request === 'vscode' ? vscodeStub : load.call(this, request, ...rest); };
const t=process.hrtime.bigint();require(process.argv[1]);process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`, f], { encoding: 'utf8' });
    times.push(Number(ms));
  }
  console.log(`require(${relative(root, f)})`.padEnd(40), `${median(times).toFixed(2)} ms`);
}
