/**
 * Playwright UI tests against a real VS Code workbench (code-server + headless Chromium, see
 * test/vscode/codeServer.ts), with this extension loaded as the extension under development.
 * Two VS Code versions (legs): code-server 4.100.3 = VS Code 1.100.3 (the default) and the
 * newest (A0C_CODE_SERVER_VERSION=newest: 4.139.1 = VS Code 1.139.1 on Node 24).
 *
 *   node esbuild.mjs && node dist/test/ui/run.js [name-filter]
 *   A0C_CODE_SERVER_VERSION=newest node dist/test/ui/run.js
 *
 * A UI test file is `test/ui/<something>.ui.ts` exporting `tests: UiTest[]`; add it to
 * SUITES below (static imports, so the bundle contains it). Each test gets a UiContext with
 * the page and helpers (palette commands, input boxes, webview frames, screenshots).
 * Tests run in order in ONE workbench; each should leave it usable (the runner presses
 * Escape between tests).
 *
 * Environment: A0C_UI_GREP (substring of test names, also the first CLI argument),
 * A0C_TEST_SETTINGS (JSON user settings merged into the profile), A0C_KEEP_TMP,
 * A0C_CODE_SERVER_VERSION (min, newest or a version; A0C_CODE_SERVER_DIR/_NODE: an existing install).
 * Screenshots: .test-artifacts/ui/<name>.png (ui-<leg>/ for a leg other than min); failures
 * also get fail-<test>.png.
 * Last lines of output: `ui leg <leg>: VS Code <version> (...)`, then `ui: N passed, M failed`;
 * exit code non-zero on any failure.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import { codeServerLeg, describeCodeServer, ensureCodeServerInstall, findRepoRoot, launchCodeServer, type WorkbenchSession } from '../vscode/codeServer';
import { startTenant, type Tenant } from '../standins/tenant';
import { startMoto, type Moto } from '../standins/moto';
import { tests as smokeTests } from './smoke.ui';
import { tests as inspectorTests } from './inspector.ui';
import { tests as wizardTests } from './wizard.ui';
import { tests as keyboardTests } from './keyboard.ui';
import { tests as wizardValidationTests } from './wizardValidation.ui';
import { tests as thumbprintTests } from './thumbprint.ui';
import { tests as walkthroughTests } from './walkthrough.ui';

export interface UiTest {
  name: string;
  fn: (ctx: UiContext) => Promise<void>;
  /** Per-test timeout (default 60 s). */
  timeoutMs?: number;
}

/** Stand-ins started once for the whole UI run; the workbench's settings point at them. */
export interface UiStandins {
  tenant: Tenant;
  moto: Moto;
}

export interface UiContext {
  page: Page;
  standins: UiStandins;
  session: WorkbenchSession;
  /** The folder open in the workbench (fresh temp dir; see WORKSPACE_FILES). */
  workspaceFolder: string;
  /** Saves .test-artifacts/ui/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  /** Runs a command palette command by its exact title, e.g. 'Developer: Reload Window'. */
  runCommand(title: string, opts?: { timeoutMs?: number; via?: 'F1' | 'Control+Shift+P' }): Promise<void>;
  /** Waits for an input box / quick pick, types `text` and presses Enter. Returns the prompt shown. */
  answerInput(text: string, opts?: { timeoutMs?: number }): Promise<string>;
  /**
   * Waits for a quick pick and clicks the item whose label is exactly `label`; with
   * `filter`, types that into the quick pick's input first (e.g. after 'Go to File...').
   */
  pickItem(label: string, opts?: { filter?: string; timeoutMs?: number }): Promise<void>;
  /** Closes any open quick input (palette, input box). */
  dismissQuickInput(): Promise<void>;
  frames: {
    /** The first frame (not the workbench page itself) containing `selector`, e.g. inside a webview. */
    /**
     * The frame holding `selector`. `reopen` is called once if it does not appear in time, then
     * the wait starts over: a webview iframe in code-server can stay on "Loading..." for good
     * when its service worker registration races another webview's ("Found unexpected service
     * worker controller ... Waiting for controllerchange"); closing and reopening the view
     * creates a fresh iframe.
     */
    find(selector: string, opts?: { timeoutMs?: number; reopen?: () => Promise<void> }): Promise<Frame>;
    /** innerText of `selector` (default 'body') in the webview frame that contains it. */
    webviewText(selector?: string, opts?: { timeoutMs?: number }): Promise<string>;
    /** How many iframes deep a frame is (workbench page = 0). */
    depth(frame: Frame): number;
  };
}

/** Files in the workspace folder the UI tests open. */
export const WORKSPACE_FILES: Record<string, string> = {
  'README.md': '# UI smoke workspace\n\nHello from the auth0-cognito-bridge UI tests.\n',
};

const SUITES: Array<{ file: string; tests: UiTest[] }> = [
  { file: 'smoke.ui.ts', tests: smokeTests },
  { file: 'thumbprint.ui.ts', tests: thumbprintTests },
  { file: 'walkthrough.ui.ts', tests: walkthroughTests },
  { file: 'inspector.ui.ts', tests: inspectorTests },
  { file: 'wizardValidation.ui.ts', tests: wizardValidationTests },
  { file: 'wizard.ui.ts', tests: wizardTests },
  // After the wizard's walk: the page then has the most controls (plans, outcomes, details, snippets).
  { file: 'keyboard.ui.ts', tests: keyboardTests },
];

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function quickInput(page: Page): Locator {
  return page.locator('.quick-input-widget');
}

async function dismissQuickInput(page: Page): Promise<void> {
  for (let i = 0; i < 3 && (await quickInput(page).isVisible()); i++) {
    await page.keyboard.press('Escape');
    await sleep(100);
  }
}

/**
 * Newer VS Code (1.139) opens some editors (Running Extensions, extension details, with
 * `workbench.editor.useModal` = "some", its default) in a modal overlay that keeps the keyboard
 * focus and swallows F1 / Ctrl+Shift+P. Close it as a user would (Escape; a click on its header
 * first if the focus is elsewhere). No-op on VS Code 1.100, which has no modal editors.
 */
async function closeModalEditor(page: Page): Promise<void> {
  const modal = page.locator('.modal-editor-part').first();
  for (let i = 0; i < 3 && (await modal.isVisible().catch(() => false)); i++) {
    if (i > 0) await page.locator('.modal-editor-header').first().click({ timeout: 2_000 }).catch(() => undefined);
    await page.keyboard.press('Escape');
    await sleep(150);
  }
}

async function visibleRowLabels(page: Page): Promise<string[]> {
  return quickInput(page).locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts();
}

async function runCommand(page: Page, title: string, opts: { timeoutMs?: number; via?: 'F1' | 'Control+Shift+P' } = {}): Promise<void> {
  const timeout = opts.timeoutMs ?? 15_000;
  const widget = quickInput(page);
  const input = widget.locator('.quick-input-box input');
  const row = widget.locator('.quick-input-list .monaco-list-row', {
    has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRe(title)}\\s*$`) }),
  }).first();
  // The quick input closes when it loses focus, and the workbench moves focus on its own
  // now and then (a terminal or view that finishes opening): retry when the palette vanished.
  for (let attempt = 1; ; attempt++) {
    await dismissQuickInput(page);
    await closeModalEditor(page);
    await page.keyboard.press(opts.via ?? 'F1');
    try {
      await input.waitFor({ state: 'visible', timeout: 5_000 });
      await input.fill(`>${title}`, { timeout: 5_000 });
      await row.waitFor({ state: 'visible', timeout });
      await row.click({ timeout: 5_000 });
      break;
    } catch (e) {
      const stillOpen = (await input.isVisible()) && (await input.inputValue()) === `>${title}`;
      if (stillOpen) {
        // The palette is there with our text, but nothing matches: no such command.
        const seen = await visibleRowLabels(page);
        await dismissQuickInput(page);
        throw new Error(`command palette has no command titled ${JSON.stringify(title)}; it offered: ${JSON.stringify(seen.slice(0, 10))}`, { cause: e });
      }
      if (attempt >= 3) throw new Error(`could not run ${JSON.stringify(title)} from the palette (${opts.via ?? 'F1'}): ${(e as Error).message.split('\n')[0]}`, { cause: e });
    }
  }
  // Done when the palette closed, or was replaced by the command's own quick input
  // (e.g. 'Go to File...', or an extension's showInputBox/showQuickPick).
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const open = await input.isVisible().catch(() => false);
    if (!open || (await input.inputValue().catch(() => '')) !== `>${title}`) return;
    await sleep(50);
  }
}

async function answerInput(page: Page, text: string, opts: { timeoutMs?: number } = {}): Promise<string> {
  const widget = quickInput(page);
  await widget.waitFor({ state: 'visible', timeout: opts.timeoutMs ?? 15_000 });
  const prompt = (await widget.locator('.quick-input-message, .quick-input-title').allInnerTexts()).join(' ').trim();
  const input = widget.locator('.quick-input-box input');
  await input.fill(text);
  await input.press('Enter');
  return prompt;
}

async function pickItem(page: Page, label: string, opts: { filter?: string; timeoutMs?: number } = {}): Promise<void> {
  const timeout = opts.timeoutMs ?? 15_000;
  const widget = quickInput(page);
  await widget.waitFor({ state: 'visible', timeout });
  if (opts.filter !== undefined) await widget.locator('.quick-input-box input').fill(opts.filter);
  const row = widget.locator('.quick-input-list .monaco-list-row', {
    has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRe(label)}\\s*$`) }),
  }).first();
  try {
    await row.waitFor({ state: 'visible', timeout });
  } catch {
    throw new Error(`quick pick has no item ${JSON.stringify(label)}; it shows: ${JSON.stringify((await visibleRowLabels(page)).slice(0, 10))}`);
  }
  await row.click();
}

function frameDepth(frame: Frame): number {
  let d = 0;
  for (let f = frame.parentFrame(); f; f = f.parentFrame()) d++;
  return d;
}

async function findFrame(page: Page, selector: string, opts: { timeoutMs?: number; reopen?: () => Promise<void> } = {}): Promise<Frame> {
  const timeout = opts.timeoutMs ?? 15_000;
  let deadline = Date.now() + timeout;
  let reopen = opts.reopen;
  for (;;) {
    // Deepest first: a webview is an iframe (the host, index.html) around another iframe
    // (the content, name/id "active-frame"); the content is what tests care about.
    const frames = page.frames().filter((f) => f !== page.mainFrame()).sort((a, b) => frameDepth(b) - frameDepth(a));
    for (const f of frames) {
      try {
        if (!f.isDetached() && (await f.$(selector))) return f;
      } catch { /* frame navigated or went away meanwhile */ }
    }
    if (Date.now() > deadline && reopen) {
      process.stderr.write(`    (${JSON.stringify(selector)} not loaded after ${Math.round(timeout / 1000)} s: reopening the view once)\n`);
      await reopen();
      reopen = undefined;
      deadline = Date.now() + timeout;
    }
    if (Date.now() > deadline) {
      const seen = page.frames().map((f) => `${'  '.repeat(frameDepth(f))}${f.name() || '(no name)'} ${f.url().slice(0, 120)}`);
      throw new Error(`no frame contains ${JSON.stringify(selector)}; frames:\n${seen.join('\n')}`);
    }
    await sleep(200);
  }
}

function makeContext(session: WorkbenchSession, artifactsDir: string, standins: UiStandins): UiContext {
  const { page } = session;
  return {
    page,
    standins,
    session,
    workspaceFolder: session.workspaceFolder,
    screenshot: async (name) => {
      const file = path.join(artifactsDir, `${name.replace(/[^\w.-]+/g, '_')}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    runCommand: (title, opts) => runCommand(page, title, opts),
    answerInput: (text, opts) => answerInput(page, text, opts),
    pickItem: (label, opts) => pickItem(page, label, opts),
    dismissQuickInput: () => dismissQuickInput(page),
    frames: {
      find: (selector, opts) => findFrame(page, selector, opts),
      webviewText: async (selector = 'body', opts) => {
        const frame = await findFrame(page, selector, opts);
        return frame.locator(selector).first().innerText();
      },
      depth: frameDepth,
    },
  };
}

// ---------------------------------------------------------------------------------------
// Runner
// ---------------------------------------------------------------------------------------

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms); });
  try { return await Promise.race([p, t]); } finally { clearTimeout(timer); }
}

async function main(): Promise<number> {
  const t0 = Date.now();
  const repoRoot = findRepoRoot();
  const leg = codeServerLeg();
  const artifactsDir = path.join(repoRoot, '.test-artifacts', leg === 'min' ? 'ui' : `ui-${leg.replace(/[^\w.-]+/g, '_')}`);
  fs.rmSync(artifactsDir, { recursive: true, force: true }); // no stale fail-*.png from earlier runs
  fs.mkdirSync(artifactsDir, { recursive: true });
  if (!fs.existsSync(path.join(repoRoot, 'dist/extension.js'))) {
    console.error('dist/extension.js is missing: run `node esbuild.mjs` first.');
    console.log('ui: 0 passed, 1 failed');
    return 1;
  }
  const grep = process.argv[2] ?? process.env.A0C_UI_GREP;
  const all = SUITES.flatMap((s) => s.tests.map((t) => ({ ...t, name: `${s.file.replace(/\.ui\.ts$/, '')}: ${t.name}` })));
  const selected = grep ? all.filter((t) => t.name.includes(grep)) : all;

  // The local Auth0 tenant and moto, started before VS Code so its settings can point at them.
  let standins: UiStandins;
  try {
    const [tenant, moto] = await Promise.all([startTenant({ app: { jwt_configuration: { alg: 'RS256' } } }), startMoto()]);
    standins = { tenant, moto };
  } catch (e) {
    console.error(`could not start the stand-ins: ${(e as Error).message}`);
    console.log('ui: 0 passed, 1 failed');
    return 1;
  }
  let session: WorkbenchSession;
  let running = `VS Code of leg ${leg}`;
  let legLabel = leg;
  try {
    const install = ensureCodeServerInstall(repoRoot, leg);
    legLabel = install.leg;
    running = describeCodeServer(install);
    console.error(`[ui] ${running}`);
    // AWS credentials for the stand-in (moto accepts any); the extension host inherits them.
    // The browser signs in on the local tenant (wizard UI test): it accepts that tenant's leaf
    // certificate, by its public key, and no other certificate that does not validate.
    const leafSpki = crypto.createHash('sha256').update(new crypto.X509Certificate(standins.tenant.certs.leafPem).publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
    session = await launchCodeServer({
      repoRoot, workspaceFiles: WORKSPACE_FILES, codeServer: leg,
      browserArgs: [`--ignore-certificate-errors-spki-list=${leafSpki}`],
      env: { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_EC2_METADATA_DISABLED: 'true' },
      settings: {
        'auth0Cognito.aws.endpoint': standins.moto.endpoint,
        'auth0Cognito.aws.region': standins.moto.region,
        'auth0Cognito.extraCaCertificates': [standins.tenant.certs.rootPath],
      },
    });
  } catch (e) {
    console.error(`could not start VS Code: ${(e as Error).message}`);
    console.log(`ui leg ${legLabel}: ${running}`);
    console.log('ui: 0 passed, 1 failed');
    await Promise.allSettled([standins.tenant.stop(), standins.moto.stop()]);
    return 1;
  }
  console.error(`[ui] workbench up on port ${session.port} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const ctx = makeContext(session, artifactsDir, standins);
  // Give the extension host a moment to come up before the first test drives the UI.
  await session.page.locator('.statusbar').waitFor({ state: 'visible', timeout: 30_000 }).catch(() => undefined);
  // The extension's contributions are registered once its activity-bar icon shows.
  await session.page.locator('.activitybar .action-item a[aria-label^="Auth0 Cognito"]').first()
    .waitFor({ state: 'visible', timeout: 60_000 }).catch(() => console.error('[ui] the Auth0 Cognito activity bar icon did not appear'));

  let passed = 0;
  let failed = 0;
  for (const t of selected) {
    const started = Date.now();
    try {
      await withTimeout(t.fn(ctx), t.timeoutMs ?? 60_000, t.name);
      passed++;
      console.log(`  ✔ ${t.name} (${Date.now() - started} ms)`);
    } catch (e) {
      failed++;
      console.log(`  ✘ ${t.name} (${Date.now() - started} ms)\n    ${((e as Error).stack ?? String(e)).split('\n').join('\n    ')}`);
      try { console.log(`    screenshot: ${await ctx.screenshot(`fail-${t.name}`)}`); } catch { /* page gone */ }
    }
    await dismissQuickInput(session.page).catch(() => undefined);
    await closeModalEditor(session.page).catch(() => undefined);
  }

  if (failed > 0) {
    console.error(`\n${session.diagnostics(40)}`);
    const consoleTail = session.consoleLines.slice(-30).join('\n');
    if (consoleTail) console.error(`--- workbench console, last 30 messages ---\n${consoleTail}`);
  }
  try { await ctx.screenshot('final'); } catch { /* page gone */ }
  try { fs.copyFileSync(session.logFile, path.join(artifactsDir, 'code-server.log')); } catch { /* no log */ }
  await session.stop();
  await Promise.allSettled([standins.tenant.stop(), standins.moto.stop()]);
  if (selected.length === 0) console.error(`[ui] no UI test matches ${JSON.stringify(grep)}`);
  console.error(`[ui] total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`ui leg ${legLabel}: ${running}`);
  console.log(`ui: ${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e);
      console.log('ui: 0 passed, 1 failed');
      process.exit(1);
    },
  );
}
