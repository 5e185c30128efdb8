/**
 * In-extension-host test entry (what `extensionTestsPath` points at, for both
 * test/vscode/launch.ts (code-server) and test/vscode/electron.ts (@vscode/test-electron)).
 *
 * Runs every `*.test.js` under dist/test/vscode/suite/ with Mocha (bdd, 60 s timeout,
 * no colours), optionally filtered by env A0C_TEST_GREP (a substring, or /regex/flags).
 *
 * The extension host's console is not visible to the launcher, so when env A0C_TEST_RESULTS
 * names a file, the results are written there as JSON:
 *   { passed, failed, pending, failures: [{ title, error }], output: <spec reporter text> }
 * plus `<A0C_TEST_RESULTS>.started` as soon as run() is entered (so the launcher can tell
 * "runner never loaded" from "tests are slow") and `<A0C_TEST_RESULTS>.progress`, the
 * reporter text so far (shown by the launcher when a run hangs or the host dies).
 * run() rejects when any test failed, which is what test-electron expects.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import MochaImport from 'mocha';
import * as vscode from 'vscode';

interface Failure { title: string; error: string }
export interface TestResults {
  passed: number;
  failed: number;
  pending: number;
  failures: Failure[];
  output: string;
  durationMs: number;
}

// mocha >= 11 is ESM with a CJS build inside; depending on how it is loaded the default
// import is the Mocha class itself or a namespace carrying it as `default`/`Mocha`.
type MochaCtor = typeof MochaImport;
const loaded = MochaImport as unknown as { default?: unknown; Mocha?: unknown };
const Mocha = [MochaImport, loaded.default, loaded.Mocha].find((c) => typeof c === 'function') as MochaCtor;

function testFiles(dir: string): string[] {
  const out: string[] = [];
  let entries: fs.Dirent[];
  try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return out; }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...testFiles(p));
    else if (e.name.endsWith('.test.js')) out.push(p);
  }
  return out.sort();
}

function grepPattern(raw: string): string | RegExp {
  const m = /^\/(.*)\/([a-z]*)$/.exec(raw);
  return m ? new RegExp(m[1] ?? '', m[2]) : raw;
}

function writeAtomically(file: string, data: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(data, null, 2));
  fs.renameSync(tmp, file);
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return format('%o', err);
}

export async function run(): Promise<void> {
  const resultsFile = process.env.A0C_TEST_RESULTS;
  const started = Date.now();
  if (resultsFile) {
    writeAtomically(`${resultsFile}.started`, {
      pid: process.pid,
      node: process.version,
      vscode: vscode.version,
    });
  }

  const lines: string[] = [];
  const Base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void; useColors: boolean };
  const originalConsoleLog = Base.consoleLog;
  // Reporters print through Base.consoleLog: capture it (and still echo to the host's log).
  Base.consoleLog = (...args: unknown[]): void => {
    const text = args.length ? format(...(args as [unknown, ...unknown[]])) : '';
    lines.push(text);
    // Progress as it happens, for the launcher to show if the run hangs or the host dies.
    if (resultsFile) { try { fs.appendFileSync(`${resultsFile}.progress`, `${text}\n`); } catch { /* best effort */ } }
    originalConsoleLog.apply(console, args);
  };
  Base.useColors = false;

  const failures: Failure[] = [];
  let passed = 0;
  let failed = 0;
  let pending = 0;
  const finish = (): TestResults => {
    Base.consoleLog = originalConsoleLog;
    const results: TestResults = { passed, failed, pending, failures, output: lines.join('\n'), durationMs: Date.now() - started };
    if (resultsFile) writeAtomically(resultsFile, results);
    return results;
  };

  try {
    const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
    const grep = process.env.A0C_TEST_GREP;
    if (grep) mocha.grep(grepPattern(grep));
    const suiteDir = path.join(__dirname, 'suite');
    const files = testFiles(suiteDir);
    if (files.length === 0) throw new Error(`no *.test.js files under ${suiteDir} (run \`node esbuild.mjs\` first)`);
    for (const f of files) mocha.addFile(f);

    await new Promise<void>((resolve, reject) => {
      try {
        const runner = mocha.run(() => resolve());
        runner.on('pass', () => { passed++; });
        runner.on('pending', () => { pending++; });
        runner.on('fail', (test, err) => {
          failed++;
          failures.push({ title: test.fullTitle(), error: errorText(err) });
        });
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  } catch (e) {
    // Loading a suite file failed (syntax error, missing module, ...): report it as a failure.
    failed++;
    failures.push({ title: 'loading the test suites', error: errorText(e) });
    lines.push(`Error loading the test suites:\n${errorText(e)}`);
  }

  const results = finish();
  if (results.failed > 0) throw new Error(`${results.failed} test(s) failed`);
}
