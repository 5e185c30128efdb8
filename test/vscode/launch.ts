/**
 * Runs the in-host Mocha suites (test/vscode/suite/*.test.ts) in a real VS Code:
 * code-server driven by headless Chromium, no internet needed. Two VS Code versions (legs):
 * code-server 4.100.3 = VS Code 1.100.3 (the engines.vscode minimum, the default) and the
 * newest (4.139.1 = VS Code 1.139.1, on Node 24), see scripts/install-code-server.sh.
 *
 *   node esbuild.mjs && node dist/test/vscode/launch.js
 *   A0C_CODE_SERVER_VERSION=newest node dist/test/vscode/launch.js
 *
 * Environment:
 *   A0C_TEST_GREP        only tests whose full title contains this (or matches /regex/flags)
 *   A0C_TEST_SETTINGS    JSON object of VS Code user settings merged into the fresh profile
 *   A0C_TEST_TIMEOUT_MS  overall timeout for the suites (default 600000)
 *   A0C_TEST_VERBOSE     stream the workbench console (incl. the extension host's console.log) to stderr
 *   A0C_KEEP_TMP         keep the temp profile/workspace/logs dir
 *   A0C_CODE_SERVER_VERSION  min (default), newest, or a code-server version
 *   A0C_CODE_SERVER_DIR, A0C_CODE_SERVER_NODE  an existing code-server install and its Node
 *   AUTH0_COGNITO_CACHE  where scripts/install-code-server.sh installs code-server
 *
 * Last lines of output: `vscode leg <leg>: VS Code <version> (...)`, then
 * `vscode: N passed, M failed`. Exit 0 only if M == 0 and N > 0.
 * Artifacts: .test-artifacts/vscode-final.png, vscode-code-server.log, vscode-results.json
 * (vscode-<leg>-… for a leg other than min).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { format } from 'node:util';
import { codeServerLeg, describeCodeServer, ensureCodeServerInstall, findRepoRoot, launchCodeServer, type WorkbenchSession } from './codeServer';
import type { TestResults } from './runner';

const STARTED_TIMEOUT_MS = 120_000;

function sleep(ms: number): Promise<void> { return new Promise((r) => setTimeout(r, ms)); }

function readJson<T>(file: string): T | undefined {
  try { return JSON.parse(fs.readFileSync(file, 'utf8')) as T; } catch { return undefined; }
}

async function main(): Promise<number> {
  const t0 = Date.now();
  const repoRoot = findRepoRoot();
  const artifacts = path.join(repoRoot, '.test-artifacts');
  fs.mkdirSync(artifacts, { recursive: true });
  const leg = codeServerLeg();
  const prefix = leg === 'min' ? 'vscode' : `vscode-${leg.replace(/[^\w.-]+/g, '_')}`;
  const artifact = (name: string): string => path.join(artifacts, `${prefix}-${name}`);
  for (const f of ['final.png', 'code-server.log', 'results.json']) fs.rmSync(artifact(f), { force: true });
  const runnerJs = path.join(repoRoot, 'dist/test/vscode/runner.js');
  for (const f of [path.join(repoRoot, 'dist/extension.js'), runnerJs]) {
    if (!fs.existsSync(f)) {
      console.error(`${path.relative(repoRoot, f)} is missing: run \`node esbuild.mjs\` first.`);
      return 1;
    }
  }

  const resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'a0c-vscode-results-'));
  const resultsFile = path.join(resultsDir, 'results.json');
  process.once('exit', () => fs.rmSync(resultsDir, { recursive: true, force: true })); // also on Ctrl+C
  const startedFile = `${resultsFile}.started`;
  const timeoutMs = Number(process.env.A0C_TEST_TIMEOUT_MS ?? 600_000);

  let session: WorkbenchSession | undefined;
  let results: TestResults | undefined;
  let problem: string | undefined;
  let running = `VS Code of leg ${leg}`;
  let legLabel = leg;
  try {
    const install = ensureCodeServerInstall(repoRoot, leg);
    legLabel = install.leg;
    running = describeCodeServer(install);
    console.error(`[launch] ${running}`);
    session = await launchCodeServer({
      codeServer: leg,
      repoRoot,
      extensionTestsPath: runnerJs,
      env: { A0C_TEST_RESULTS: resultsFile, A0C_TEST_GREP: process.env.A0C_TEST_GREP },
    });
    console.error(`[launch] workbench up on port ${session.port} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    if (process.env.A0C_TEST_VERBOSE) {
      // In extension development mode the extension host's console is forwarded to the
      // workbench page's console (as '%c INFO', 'color: ...', fmt, ...args): stream it.
      session.page.on('console', (m) => {
        void Promise.all(m.args().map((a) => a.jsonValue().catch(() => '?'))).then((vals: unknown[]) => {
          const args = typeof vals[0] === 'string' && vals[0].startsWith('%c') ? vals.slice(2) : vals;
          console.error(`[workbench] ${format(...(args as [unknown, ...unknown[]]))}`);
        });
      });
    }

    let serverExit: string | undefined;
    void session.exited.then((how) => { serverExit = how; });
    const deadline = Date.now() + timeoutMs;
    const startedDeadline = Date.now() + STARTED_TIMEOUT_MS;
    let announced = false;
    for (;;) {
      if (!announced && fs.existsSync(startedFile)) {
        const info = readJson<{ vscode: string; node: string }>(startedFile);
        console.error(`[launch] runner started in the extension host (VS Code ${info?.vscode}, Node ${info?.node})`);
        if (info?.vscode) running = `VS Code ${info.vscode} in the extension host (code-server ${session.install.codeServerVersion}, leg ${legLabel}, Node ${info.node})`;
        announced = true;
      }
      if (fs.existsSync(resultsFile)) { results = readJson<TestResults>(resultsFile); if (results) break; }
      if (serverExit) { problem = `code-server exited before the tests finished (${serverExit})`; break; }
      if (!announced && Date.now() > startedDeadline) {
        problem = `the test runner did not start within ${STARTED_TIMEOUT_MS / 1000} s: the extension host did not load `
          + `${runnerJs} (check the payload URIs, the build, and the extension host log below)`;
        break;
      }
      if (Date.now() > deadline) { problem = `no test results after ${timeoutMs / 1000} s (A0C_TEST_TIMEOUT_MS)`; break; }
      await sleep(250);
    }
  } catch (e) {
    problem = `could not start VS Code: ${(e as Error).message}`;
  }

  if (results) {
    process.stdout.write(`${results.output}\n`);
  } else if (fs.existsSync(`${resultsFile}.progress`)) {
    process.stdout.write(`${fs.readFileSync(`${resultsFile}.progress`, 'utf8')}\n[launch] (the run stopped here, before mocha finished)\n`);
  }
  if (session) {
    try {
      await session.page.screenshot({ path: artifact('final.png'), timeout: 10_000 });
    } catch (e) {
      console.error(`[launch] screenshot failed: ${(e as Error).message.split('\n')[0]}`);
    }
    if (problem || !results || results.failed > 0 || results.passed === 0) {
      console.error(`\n${session.diagnostics(60)}`);
      const consoleTail = session.consoleLines.slice(-30).join('\n');
      if (consoleTail) console.error(`--- workbench console, last 30 messages ---\n${consoleTail}`);
    }
    try { fs.copyFileSync(session.logFile, artifact('code-server.log')); } catch { /* no log */ }
    await session.stop();
  }
  if (results) fs.writeFileSync(artifact('results.json'), JSON.stringify(results, null, 2));

  const passed = results?.passed ?? 0;
  const failed = results ? results.failed : 1;
  if (problem) console.error(`\n[launch] ERROR: ${problem}`);
  else if (passed === 0 && failed === 0) console.error('\n[launch] ERROR: no tests ran (A0C_TEST_GREP too narrow? no suites built?)');
  for (const f of results?.failures ?? []) console.error(`\n[launch] FAILED: ${f.title}\n${f.error}`);
  console.error(`[launch] total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`vscode leg ${legLabel}: ${running}`);
  console.log(`vscode: ${passed} passed, ${failed} failed`);
  return !problem && failed === 0 && passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    console.log('vscode: 0 passed, 1 failed');
    process.exit(1);
  },
);
