/**
 * The same in-host suites as test/vscode/launch.ts, launched with @vscode/test-electron in a
 * downloaded desktop VS Code. For developer machines with internet access (the CI/offline
 * path is launch.ts with code-server).
 *
 *   node esbuild.mjs && node dist/test/vscode/electron.js
 *
 * Environment: A0C_VSCODE_VERSION (default 'stable'; e.g. '1.100.3' to match engines.vscode),
 * A0C_TEST_GREP, A0C_TEST_SETTINGS (as for launch.ts). On Linux without a display, run it
 * under xvfb-run. VS Code downloads are cached next to the code-server install
 * (${AUTH0_COGNITO_CACHE:-~/.cache/auth0-cognito-bridge}/vscode-test), not in the repo.
 *
 * Note: the runner requires mocha >= 11, which is ESM with a CJS entry; loading it needs a
 * Node with require(esm) (>= 20.19 / 22.12) inside VS Code's Electron. Recent stable VS Code
 * has it; if an old pinned version fails with ERR_REQUIRE_ESM, use launch.ts instead.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { codeServerCacheDir, findRepoRoot, testUserSettings } from './codeServer';
import type { TestResults } from './runner';

async function main(): Promise<number> {
  const repoRoot = findRepoRoot();
  const runnerJs = path.join(repoRoot, 'dist/test/vscode/runner.js');
  if (!fs.existsSync(runnerJs) || !fs.existsSync(path.join(repoRoot, 'dist/extension.js'))) {
    console.error('dist/ is missing: run `node esbuild.mjs` first.');
    return 1;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'a0c-electron-'));
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  const workspace = path.join(tmp, 'workspace');
  const resultsFile = path.join(tmp, 'results.json');
  process.once('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.mkdirSync(workspace, { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(testUserSettings(), null, 2));

  let exitCode: number;
  try {
    exitCode = await runTests({
      version: process.env.A0C_VSCODE_VERSION ?? 'stable',
      cachePath: path.join(path.dirname(codeServerCacheDir()), 'vscode-test'),
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: runnerJs,
      extensionTestsEnv: {
        A0C_TEST_RESULTS: resultsFile,
        ...(process.env.A0C_TEST_GREP ? { A0C_TEST_GREP: process.env.A0C_TEST_GREP } : {}),
      },
      launchArgs: [
        workspace,
        '--user-data-dir', userDataDir,
        '--extensions-dir', extensionsDir,
        '--disable-workspace-trust',
        '--disable-extensions', // other installed extensions; the one under development still loads
        '--skip-welcome',
        '--skip-release-notes',
        '--disable-telemetry',
      ],
    });
  } catch (e) {
    console.error(`[electron] ${(e as Error).message}`);
    exitCode = 1;
  }

  let results: TestResults | undefined;
  try { results = JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as TestResults; } catch { /* runner never finished */ }
  if (results) process.stdout.write(`${results.output}\n`);
  else console.error('[electron] the runner wrote no results (did VS Code start and load dist/test/vscode/runner.js?)');

  const passed = results?.passed ?? 0;
  const failed = results ? results.failed : 1;
  console.log(`vscode: ${passed} passed, ${failed} failed`);
  return exitCode === 0 && failed === 0 && passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    console.log('vscode: 0 passed, 1 failed');
    process.exit(1);
  },
);
