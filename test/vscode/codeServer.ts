/**
 * A real VS Code (code-server, VS Code for the browser) plus headless Chromium, for tests.
 *
 * Used by the in-host test launcher (test/vscode/launch.ts) and the Playwright UI tests
 * (test/ui/run.ts). See shared/reference/real-vscode-offline.md for why code-server: it is
 * installable from the npm registry alone (scripts/install-code-server.sh).
 *
 * Two VS Code versions are tested, the legs of scripts/install-code-server.sh, chosen with
 * `A0C_CODE_SERVER_VERSION` (or CodeServerOptions.codeServer):
 *   min     code-server 4.100.3 = VS Code 1.100.3 (engines.vscode minimum), on this Node (20); the default
 *   newest  code-server 4.139.1 = VS Code 1.139.1, on Node 24 from the npm registry (scripts/install-node.sh)
 *   x.y.z   any code-server version the registry has
 * `A0C_CODE_SERVER_DIR` (+ `A0C_CODE_SERVER_NODE`) run an existing install instead.
 *
 * Everything runs from fresh temp dirs (user data, extensions, workspace folder, code-server
 * config) and `stop()` kills the whole process tree, so nothing is left behind.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort, waitForPort } from '../standins/ports';

/** The min leg: the oldest VS Code in package.json engines.vscode (scripts/install-code-server.sh MIN_VERSION). */
export const CODE_SERVER_VERSION = '4.100.3';
export const EXTENSION_ID = 'auth0-cognito-bridge.auth0-cognito-bridge';
export const CHROMIUM = process.env.A0C_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

/** Settings every test profile starts with; `A0C_TEST_SETTINGS` (JSON object) is merged over them. */
export const BASE_SETTINGS: Record<string, unknown> = {
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.enableExperiments': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'git.enabled': false,
  'window.restoreWindows': 'none',
};

const log = (msg: string): void => { process.stderr.write(`[code-server] ${msg}\n`); };

// ---------------------------------------------------------------------------------------
// Locations
// ---------------------------------------------------------------------------------------

/** The repo root: the nearest ancestor of `from` whose package.json is this extension's. */
export function findRepoRoot(from: string = __dirname): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        const json = JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string };
        if (json.name === 'auth0-cognito-bridge') return dir;
      } catch { /* keep looking */ }
    }
    if (path.dirname(dir) === dir) throw new Error(`no auth0-cognito-bridge package.json above ${from}`);
  }
}

/** The cache root of scripts/install-*.sh (same formula). */
export function cacheRoot(): string {
  return process.env.AUTH0_COGNITO_CACHE
    ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'auth0-cognito-bridge');
}

/** The min leg's install dir (same formula as scripts/install-code-server.sh). */
export function codeServerCacheDir(): string {
  return path.join(cacheRoot(), `code-server-${CODE_SERVER_VERSION}`);
}

/** The leg (min, newest) or code-server version to run: `A0C_CODE_SERVER_VERSION`, default 'min'. */
export function codeServerLeg(): string {
  return process.env.A0C_CODE_SERVER_VERSION?.trim() || 'min';
}

/** A code-server install and the Node it was built for. */
export interface CodeServerInstall {
  /** The leg or version asked for ('min', 'newest', '4.139.1', or 'A0C_CODE_SERVER_DIR'). */
  leg: string;
  dir: string;
  /** The Node binary to run it with (its native modules are built for that Node's ABI). */
  node: string;
  /** code-server's version (its package.json). */
  codeServerVersion: string;
  /** The VS Code it packages (lib/vscode/package.json). */
  vscodeVersion: string;
  /** Extra code-server arguments this version needs for the tests (see describeInstall). */
  extraArgs: string[];
}

function readVersion(file: string): string {
  try {
    const v = (JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: unknown }).version;
    return typeof v === 'string' ? v : '?';
  } catch {
    return '?';
  }
}

function describeInstall(leg: string, dir: string, node: string): CodeServerInstall {
  // Newer VS Code (1.139 at least) honours the workbench URL's `payload` (extensionDevelopmentPath,
  // extensionTestsPath) in a built web workbench only with the server's --enable-smoke-test-driver
  // (`if (payload && (!isBuilt || enableSmokeTestDriver))`); without it the extension under
  // development and the test runner are silently not loaded. code-server has no such option of
  // its own but passes VS Code server options through with --vscode-option (4.139+; 4.100 has
  // neither the gate nor the pass-through). The flag only exposes the smoke-test driver object.
  let extraArgs: string[] = [];
  try {
    if (fs.readFileSync(path.join(dir, 'out/node/cli.js'), 'utf8').includes('"vscode-option"')) {
      extraArgs = ['--vscode-option', 'enable-smoke-test-driver'];
    }
  } catch { /* not readable: no extra args */ }
  return {
    leg, dir, node,
    codeServerVersion: readVersion(path.join(dir, 'package.json')),
    vscodeVersion: readVersion(path.join(dir, 'lib/vscode/package.json')),
    extraArgs,
  };
}

/** The Node recorded by scripts/install-code-server.sh (older installs: the one running us). */
function recordedNode(dir: string): string {
  try {
    const p = fs.readFileSync(path.join(dir, '.auth0-cognito-node'), 'utf8').trim();
    if (p && fs.existsSync(p)) return p;
  } catch { /* older install, built with the machine's Node */ }
  return process.execPath;
}

const installs = new Map<string, CodeServerInstall>();

/**
 * The code-server install for a leg (default: codeServerLeg()), running
 * scripts/install-code-server.sh (a few minutes the first time, instant when cached).
 */
export function ensureCodeServerInstall(repoRoot: string = findRepoRoot(), leg: string = codeServerLeg()): CodeServerInstall {
  const ownDir = process.env.A0C_CODE_SERVER_DIR?.trim();
  if (ownDir) {
    if (!fs.existsSync(path.join(ownDir, 'out/node/entry.js'))) {
      throw new Error(`A0C_CODE_SERVER_DIR=${ownDir} is not a code-server install (no out/node/entry.js)`);
    }
    return describeInstall('A0C_CODE_SERVER_DIR', ownDir, process.env.A0C_CODE_SERVER_NODE?.trim() || recordedNode(ownDir));
  }
  const known = installs.get(leg);
  if (known) return known;
  const script = path.join(repoRoot, 'scripts/install-code-server.sh');
  const started = Date.now();
  const env: NodeJS.ProcessEnv = { ...process.env, CODE_SERVER_VERSION: leg };
  const node = process.env.A0C_CODE_SERVER_NODE?.trim();
  if (node) env.NODE = node;
  else delete env.NODE;
  // The script says "already installed" in one line when cached; when not, its progress shows.
  const r = spawnSync('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`${script} (CODE_SERVER_VERSION=${leg}) failed (exit ${r.status ?? r.signal})`);
  const dir = r.stdout.trim().split('\n').pop() ?? '';
  if (!fs.existsSync(path.join(dir, '.auth0-cognito-install-complete')) || !fs.existsSync(path.join(dir, 'out/node/entry.js'))) {
    throw new Error(`${script} printed ${JSON.stringify(dir)}, which is not a complete install`);
  }
  const elapsed = Date.now() - started;
  if (elapsed > 5000) log(`installed in ${(elapsed / 1000).toFixed(0)} s`);
  const install = describeInstall(leg, dir, node || recordedNode(dir));
  installs.set(leg, install);
  return install;
}

/** The code-server install dir (see ensureCodeServerInstall; run it with that install's `node`). */
export function ensureCodeServer(repoRoot: string = findRepoRoot(), leg: string = codeServerLeg()): string {
  return ensureCodeServerInstall(repoRoot, leg).dir;
}

/** One line naming what runs, e.g. "VS Code 1.139.1 (code-server 4.139.1, leg newest, Node v24.22.3)". */
export function describeCodeServer(install: CodeServerInstall): string {
  let nodeVersion = '?';
  if (install.node === process.execPath) nodeVersion = process.version;
  else {
    const r = spawnSync(install.node, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) nodeVersion = r.stdout.trim();
  }
  return `VS Code ${install.vscodeVersion} (code-server ${install.codeServerVersion}, leg ${install.leg}, Node ${nodeVersion})`;
}

// ---------------------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------------------

function childrenOf(): Map<number, number[]> {
  const kids = new Map<number, number[]>();
  if (process.platform !== 'linux') return kids;
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid ...; comm may contain spaces and parentheses
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = kids.get(ppid) ?? [];
      list.push(Number(name));
      kids.set(ppid, list);
    } catch { /* process went away */ }
  }
  return kids;
}

/** pid and all its descendants (Linux /proc), parents first. */
export function processTree(pid: number): number[] {
  if (process.platform !== 'linux') return [pid];
  const kids = childrenOf();
  const out: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const p = queue.shift()!;
    out.push(p);
    queue.push(...(kids.get(p) ?? []));
  }
  return out;
}

function isChromium(pid: number): boolean {
  try {
    return /chrom/i.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '');
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

/**
 * Kills a detached child's process group and every descendant (some, like terminals in
 * the pty host, call setsid and leave the group): SIGTERM, then SIGKILL after graceMs.
 */
export async function killTree(pid: number, graceMs = 3000): Promise<void> {
  const pids = processTree(pid);
  const signal = (sig: NodeJS.Signals): void => {
    try { process.kill(-pid, sig); } catch { /* group gone */ }
    for (const p of pids) { try { process.kill(p, sig); } catch { /* gone */ } }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pids.some(alive)) await new Promise((r) => setTimeout(r, 100));
  // Pick up anything spawned meanwhile, then make sure.
  for (const p of processTree(pid)) if (!pids.includes(p)) pids.push(p);
  if (pids.some(alive)) signal('SIGKILL');
  const hard = Date.now() + 2000;
  while (Date.now() < hard && pids.some(alive)) await new Promise((r) => setTimeout(r, 50));
}

/** Last `lines` lines of a text file ('' if missing). */
export function tail(file: string, lines = 60): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function findFiles(dir: string, pred: (p: string) => boolean): string[] {
  const out: string[] = [];
  let entries: fs.Dirent[];
  try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return out; }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...findFiles(p, pred));
    else if (pred(p)) out.push(p);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// code-server
// ---------------------------------------------------------------------------------------

export interface CodeServerOptions {
  /** Repo root (default: found from __dirname). */
  repoRoot?: string;
  /** More Chromium flags (e.g. --ignore-certificate-errors-spki-list for the local tenant's leaf). */
  browserArgs?: string[];
  /** Absolute path of the extension under development (default: repo root). `null`: none. */
  extensionDevelopmentPath?: string | null;
  /** Absolute path of an in-host test runner module exporting `run()` (like test-electron). */
  extensionTestsPath?: string;
  /** Workspace folder to open (default: a fresh empty temp dir). */
  workspaceFolder?: string;
  /** Files to create in the (fresh) workspace folder: relative path -> content. */
  workspaceFiles?: Record<string, string>;
  /**
   * Extra user settings (the profile's User/settings.json), merged over BASE_SETTINGS and
   * `A0C_TEST_SETTINGS`. The AWS endpoint, profile and extra CAs belong here, never in
   * `workspaceFiles` (USER_ONLY_SETTINGS).
   */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server; the extension host inherits it. */
  env?: Record<string, string | undefined>;
  /** Viewport of the browser page (default 1600x1000). */
  viewport?: { width: number; height: number };
  /** How long to wait for `.monaco-workbench` (default 90 s). */
  workbenchTimeoutMs?: number;
  /** Keep the temp dir after stop() (default: only if A0C_KEEP_TMP is set). */
  keepTmp?: boolean;
  /** The leg ('min', 'newest') or code-server version to run (default: `A0C_CODE_SERVER_VERSION`, else 'min'). */
  codeServer?: string;
}

export interface CodeServer {
  /** Which code-server (and VS Code, and Node) runs. */
  install: CodeServerInstall;
  port: number;
  /** http://127.0.0.1:PORT */
  origin: string;
  /** The workbench URL opened in the browser (folder + payload). */
  url: string;
  proc: ChildProcess;
  tmpDir: string;
  userDataDir: string;
  extensionsDir: string;
  workspaceFolder: string;
  /** code-server's stdout+stderr. */
  logFile: string;
  /** Resolves with the exit code/signal when code-server exits. */
  exited: Promise<string>;
  /** `vscode-remote://127.0.0.1:PORT/abs/path`: how the workbench addresses server paths. */
  remoteUri(absPath: string): string;
  /** Tail of code-server's log and of the remote extension host's log, for failure reports. */
  diagnostics(lines?: number): string;
  /** Kill code-server and all its children; remove the temp dir. Idempotent. */
  stop(): Promise<void>;
}

export interface WorkbenchSession extends CodeServer {
  browser: Browser;
  page: Page;
  /** Console messages and page errors of the workbench page (most recent last). */
  consoleLines: string[];
}

/** BASE_SETTINGS, then `A0C_TEST_SETTINGS` (JSON object), then `extra`. */
export function testUserSettings(extra?: Record<string, unknown>): Record<string, unknown> {
  let fromEnv: Record<string, unknown> = {};
  const raw = process.env.A0C_TEST_SETTINGS;
  if (raw && raw.trim()) {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
      fromEnv = parsed as Record<string, unknown>;
    } catch (e) {
      throw new Error(`A0C_TEST_SETTINGS must be a JSON object of VS Code settings: ${(e as Error).message}`, { cause: e });
    }
  }
  return { ...BASE_SETTINGS, ...fromEnv, ...(extra ?? {}) };
}

/** Environment for code-server: ours, minus what would tie it to a VS Code we may run inside. */
function serverEnv(extra: Record<string, string | undefined> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) {
    if (k === 'ELECTRON_RUN_AS_NODE' || k.startsWith('VSCODE_') || k === 'CODE_SERVER_PARENT_PID') delete env[k];
  }
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/**
 * Settings only the user may set (package.json gives them `machine` scope; VS Code ignores them in
 * a workspace). Tests and the playground put them in the profile's User/settings.json (`settings`).
 */
export const USER_ONLY_SETTINGS = ['auth0Cognito.aws.endpoint', 'auth0Cognito.aws.profile', 'auth0Cognito.extraCaCertificates'];

/** The user-only settings that `workspaceFiles` would put in a workspace settings file (they would be ignored). */
export function userOnlySettingsInWorkspaceFiles(workspaceFiles: Record<string, string> | undefined): string[] {
  const found: string[] = [];
  for (const [rel, content] of Object.entries(workspaceFiles ?? {})) {
    if (!/(^|[/\\])\.vscode[/\\]settings\.json$|\.code-workspace$/.test(rel)) continue;
    for (const id of USER_ONLY_SETTINGS) if (content.includes(`"${id}"`)) found.push(`${id} in ${rel}`);
  }
  return found;
}

/** Starts code-server on a free port with a fresh profile. Does not open a browser. */
export async function startCodeServer(opts: CodeServerOptions = {}): Promise<CodeServer> {
  const misplaced = userOnlySettingsInWorkspaceFiles(opts.workspaceFiles);
  if (misplaced.length) {
    throw new Error(`${misplaced.join(', ')}: these settings are read from the user settings only; pass them in \`settings\` (the profile's User/settings.json)`);
  }
  const repoRoot = opts.repoRoot ?? findRepoRoot();
  const install = ensureCodeServerInstall(repoRoot, opts.codeServer ?? codeServerLeg());
  const installDir = install.dir;
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'a0c-code-server-'));
  const userDataDir = path.join(tmpDir, 'user-data');
  const extensionsDir = path.join(tmpDir, 'extensions');
  const workspaceFolder = opts.workspaceFolder ?? path.join(tmpDir, 'workspace');
  const logFile = path.join(tmpDir, 'code-server.log');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.mkdirSync(workspaceFolder, { recursive: true });
  for (const [rel, content] of Object.entries(opts.workspaceFiles ?? {})) {
    const p = path.join(workspaceFolder, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
  const userSettings = testUserSettings(opts.settings);
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(userSettings, null, 2));
  // Machine-scoped settings (USER_ONLY_SETTINGS) also go in the server's machine settings
  // (Remote settings in the Settings editor): VS Code 1.139 in code-server reads machine-scoped
  // settings of this remote window from there only; 1.100 took them from User/settings.json.
  const machine = Object.fromEntries(Object.entries(userSettings).filter(([k]) => USER_ONLY_SETTINGS.includes(k)));
  if (Object.keys(machine).length) {
    fs.mkdirSync(path.join(userDataDir, 'Machine'), { recursive: true });
    fs.writeFileSync(path.join(userDataDir, 'Machine', 'settings.json'), JSON.stringify(machine, null, 2));
  }
  // Our own config file, so code-server neither reads nor creates ~/.config/code-server/config.yaml.
  const configFile = path.join(tmpDir, 'config.yaml');
  fs.writeFileSync(configFile, 'auth: none\ncert: false\n');

  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const logFd = fs.openSync(logFile, 'a');
  const args = [
    path.join(installDir, 'out/node/entry.js'),
    '--config', configFile,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...install.extraArgs,
    workspaceFolder,
  ];
  // detached: own process group, so stop() can kill code-server and all its children at once.
  // The Node its native modules were built for (the newest leg: Node 24; the extension host is forked from it).
  const proc = spawn(install.node, args, {
    cwd: tmpDir,
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: serverEnv(opts.env),
  });
  fs.closeSync(logFd);
  const exited = new Promise<string>((resolve) => {
    proc.on('exit', (code, sig) => resolve(sig ? `signal ${sig}` : `exit code ${code}`));
    proc.on('error', (e) => resolve(`spawn error: ${e.message}`));
  });

  const diagnostics = (lines = 40): string => {
    const parts = [`--- code-server log (${logFile}), last ${lines} lines ---`, tail(logFile, lines)];
    const hostLogs = findFiles(path.join(userDataDir, 'logs'), (p) => /exthost/i.test(p) && p.endsWith('.log'));
    for (const f of hostLogs) parts.push(`--- ${f}, last ${lines} lines ---`, tail(f, lines));
    return parts.join('\n');
  };

  const keep = opts.keepTmp ?? !!process.env.A0C_KEEP_TMP;
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      if (proc.pid !== undefined) await killTree(proc.pid);
      live.delete(server);
      if (keep) { log(`kept ${tmpDir}`); return; }
      try {
        fs.rmSync(tmpDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
      } catch (e) {
        log(`could not remove ${tmpDir}: ${(e as Error).message}`);
      }
    })();
    return stopped;
  };

  const server: CodeServer = {
    install, port, origin, url: origin, proc, tmpDir, userDataDir, extensionsDir, workspaceFolder, logFile, exited,
    remoteUri: (absPath) => `vscode-remote://127.0.0.1:${port}${absPath.split(path.sep).map(encodeURIComponent).join('/')}`,
    diagnostics,
    stop,
  };
  registerForCleanup(server, { stop, pids: () => (proc.pid === undefined ? [] : [proc.pid]), ...(keep ? {} : { tmpDir }) });

  try {
    await Promise.race([
      waitForPort(port, '127.0.0.1', 60_000),
      exited.then((how) => { throw new Error(`code-server exited before listening (${how})`); }),
    ]);
  } catch (e) {
    const msg = `${(e as Error).message}\n${diagnostics()}`;
    await server.stop();
    throw new Error(msg, { cause: e });
  }
  return server;
}

/** The workbench URL for a folder, with the test-electron-style `payload` query parameter. */
export function workbenchUrl(server: CodeServer, opts: { extensionDevelopmentPath?: string | null; extensionTestsPath?: string; repoRoot?: string }): string {
  const payload: Array<[string, string]> = [];
  const dev = opts.extensionDevelopmentPath === undefined ? (opts.repoRoot ?? findRepoRoot()) : opts.extensionDevelopmentPath;
  if (dev) payload.push(['extensionDevelopmentPath', server.remoteUri(dev)]);
  if (opts.extensionTestsPath) payload.push(['extensionTestsPath', server.remoteUri(opts.extensionTestsPath)]);
  const q = new URLSearchParams({ folder: server.workspaceFolder });
  if (payload.length) q.set('payload', JSON.stringify(payload));
  return `${server.origin}/?${q.toString()}`;
}

/**
 * Starts code-server with the extension under development (and optionally an in-host test
 * runner), launches headless Chromium and opens the workbench. Resolves once
 * `.monaco-workbench` is in the page.
 */
export async function launchCodeServer(opts: CodeServerOptions = {}): Promise<WorkbenchSession> {
  const repoRoot = opts.repoRoot ?? findRepoRoot();
  const server = await startCodeServer({ ...opts, repoRoot });
  let browser: Browser | undefined;
  let browserPids: number[] = [];
  const consoleLines: string[] = [];
  let stopped: Promise<void> | undefined;
  const stopAll = (): Promise<void> => {
    stopped ??= (async () => {
      try { await browser?.close(); } catch { /* already gone */ }
      // Playwright kills Chromium's process group on close; make sure of it.
      for (const pid of browserPids) if (alive(pid)) await killTree(pid, 1000);
      await server.stop();
      live.delete(server);
    })();
    return stopped;
  };
  registerForCleanup(server, {
    stop: stopAll,
    pids: () => [...(server.proc.pid === undefined ? [] : [server.proc.pid]), ...browserPids],
    ...(opts.keepTmp ?? !!process.env.A0C_KEEP_TMP ? {} : { tmpDir: server.tmpDir }),
  });
  try {
    const before = new Set(childrenOf().get(process.pid) ?? []);
    browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...(opts.browserArgs ?? [])],
      // Our own handlers stop the browser *and* code-server; Playwright's would exit first.
      handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
    });
    // Chromium is a direct child of this process (and leader of its own process group).
    browserPids = (childrenOf().get(process.pid) ?? []).filter((p) => !before.has(p) && isChromium(p));
    const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1600, height: 1000 } });
    const page = await context.newPage();
    const remember = (line: string): void => { consoleLines.push(line); if (consoleLines.length > 500) consoleLines.shift(); };
    page.on('console', (m) => remember(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => remember(`[pageerror] ${e.message}`));
    const url = workbenchUrl(server, {
      repoRoot,
      extensionDevelopmentPath: opts.extensionDevelopmentPath === undefined ? repoRoot : opts.extensionDevelopmentPath,
      ...(opts.extensionTestsPath ? { extensionTestsPath: opts.extensionTestsPath } : {}),
    });
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await page.waitForSelector('.monaco-workbench', { timeout: opts.workbenchTimeoutMs ?? 90_000 });
    const session: WorkbenchSession = { ...server, url, browser, page, consoleLines, stop: stopAll };
    return session;
  } catch (e) {
    const msg = `${(e as Error).message}\n${server.diagnostics()}`;
    await stopAll();
    throw new Error(msg, { cause: e });
  }
}

// ---------------------------------------------------------------------------------------
// Cleanup on Ctrl+C / kill / crash, so no code-server or Chromium outlives the launcher
// ---------------------------------------------------------------------------------------

interface Live {
  /** Full asynchronous cleanup (browser + server). */
  stop: () => Promise<void>;
  /** Process group leaders to SIGKILL synchronously if we exit without stop(). */
  pids: () => number[];
  /** Temp dir to remove then (unless kept). */
  tmpDir?: string;
}
const live = new Map<object, Live>();
let hooked = false;
let stopping = false;

function registerForCleanup(key: object, entry: Live): void {
  live.set(key, entry);
  if (hooked) return;
  hooked = true;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log(`${sig}: stopping code-server and Chromium`);
    void Promise.allSettled([...live.values()].map((l) => l.stop())).finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  // Last resort when the process exits without stop(): synchronous SIGKILL of the trees.
  process.once('exit', () => {
    for (const l of live.values()) {
      for (const pid of l.pids()) {
        for (const p of processTree(pid)) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
        try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
      }
      if (l.tmpDir) {
        try { fs.rmSync(l.tmpDir, { recursive: true, force: true, maxRetries: 3 }); } catch { /* best effort */ }
      }
    }
  });
}
