/**
 * auth0-cognito: the headless CLI over the engine, for scripts and CI pipelines.
 * Exit codes (EXIT below, documented in USAGE and README.md): 0 success, 1 the operation or the
 * preflight failed, 2 usage or config error, 3 inspect-token could not confirm the token,
 * 130 interrupted (Ctrl+C).
 */
import { computeThumbprint } from '../engine/thumbprint';
import { formatThumbprintText } from '../engine/format';
import { describeError, isEngineError, type ErrorCode } from '../engine/errors';
import { EXIT, timeoutOption } from './common';
import { COMMAND_USAGE, SETUP_USAGE, USAGE, seeHelp } from './usage';
import { filterSdkNodeWarning } from './warnings';
import type * as SetupCli from './setup';
import type * as InspectCli from './inspectToken';
import type * as TeardownCli from './teardown';
import type * as ResourcesCli from './resources';
import type * as Trust from '../engine/trust';

export { EXIT, SEE_HELP, MAX_STDIN_BYTES, exitCodeOfVerdict } from './common';

// Each command loads only what it needs: `thumbprint` is this file plus the TLS code; `setup`
// (src/cli/setup.ts) and `inspect-token` (src/cli/inspectToken.ts) are required on demand, and
// in dist/ they are chunks of their own (dist/chunks/cli-setup.js, cli-inspect-token.js; see
// CHUNKS in esbuild.mjs), so `thumbprint` never loads the setup, preflight or AWS code.
/* eslint-disable @typescript-eslint/no-require-imports */
const setupCli = () => require('./setup') as typeof SetupCli;
const inspectCli = () => require('./inspectToken') as typeof InspectCli;
const teardownCli = () => require('./teardown') as typeof TeardownCli;
const resourcesCli = () => require('./resources') as typeof ResourcesCli;
const trust = () => require('../engine/trust') as typeof Trust;
/* eslint-enable @typescript-eslint/no-require-imports */

/** The package version, set by esbuild.mjs at build time (`define`); undefined when run from source. */
declare const A0C_CLI_VERSION: string | undefined;

/** The CLI's version: built in, or (from source: tests, tsx) read from package.json on demand. */
export function cliVersion(): string {
  if (typeof A0C_CLI_VERSION === 'string') return A0C_CLI_VERSION;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const fs = require('node:fs') as typeof import('node:fs');
  const path = require('node:path') as typeof import('node:path');
  /* eslint-enable @typescript-eslint/no-require-imports */
  return (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/** Error codes that are usage or config errors (exit 2), whatever the command. */
const USAGE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['INVALID_INPUT', 'CA_FILE']);

/** The exit code for an error thrown by a command. */
export function exitCodeOf(e: unknown, signal?: AbortSignal): number {
  if (signal?.aborted || (isEngineError(e) && e.code === 'CANCELLED')) return EXIT.interrupted;
  return isEngineError(e) && USAGE_CODES.has(e.code) ? EXIT.usage : EXIT.failed;
}

export interface Parsed {
  command: string | undefined;
  pool: string | undefined;
  profile: string | undefined;
  endpoint: string | undefined;
  args: string[];
  json: boolean;
  ca: string[];
  timeoutMs: number;
  help: boolean;
  version: boolean;
}

class UsageError extends Error {}

export function parseArgs(argv: string[]): Parsed {
  const p: Parsed = { command: undefined, pool: undefined, profile: undefined, endpoint: undefined, args: [], json: false, ca: [], timeoutMs: 15_000, help: false, version: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value.`);
      return v;
    };
    if (a === '--json') p.json = true;
    else if (a === '-h' || a === '--help') p.help = true;
    else if (a === '--version') p.version = true;
    else if (a === '--ca') p.ca.push(value());
    else if (a === '--pool') p.pool = value();
    else if (a === '--profile') p.profile = value();
    else if (a === '--endpoint') p.endpoint = value();
    else if (a === '--timeout') p.timeoutMs = timeoutOption(value(), (m) => new UsageError(m));
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`Unknown option ${a}.`);
    else if (p.command === undefined) p.command = a;
    else p.args.push(a);
  }
  return p;
}

/**
 * Runs the CLI; returns the exit code. `signal` is the Ctrl+C of the process (see the bottom of
 * this file): when it fires, the command stops and main returns 130.
 */
export async function main(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr, signal: AbortSignal = new AbortController().signal): Promise<number> {
  const usageError = (message: string, command?: string): number => {
    err.write(`${message}\n${seeHelp(command)}\n`);
    return EXIT.usage;
  };
  if (argv[0] === 'setup') {
    if (argv.includes('-h') || argv.includes('--help')) {
      out.write(SETUP_USAGE);
      return EXIT.ok;
    }
    // setup has options of its own (src/cli/setup.ts).
    const code = await setupCli().setupCommand(argv.slice(1), out, err, signal);
    return signal.aborted ? EXIT.interrupted : code;
  }
  if (argv[0] === 'teardown') {
    // teardown has options of its own (--include: src/cli/teardown.ts).
    const code = await teardownCli().teardownCommand(argv.slice(1), out, err, signal);
    return signal.aborted ? EXIT.interrupted : code;
  }
  if (argv[0] === 'resources') {
    // resources has options of its own (--strict, --region: src/cli/resources.ts).
    const code = await resourcesCli().resourcesCommand(argv.slice(1), out, err, signal);
    return signal.aborted ? EXIT.interrupted : code;
  }
  let p: Parsed;
  try {
    p = parseArgs(argv);
  } catch (e) {
    const command = argv.find((a) => !a.startsWith('-'));
    return usageError((e as Error).message, command === argv[0] ? command : undefined);
  }
  if (p.help) {
    out.write((p.command && COMMAND_USAGE[p.command]) || USAGE);
    return EXIT.ok;
  }
  if (p.version) {
    out.write(`${cliVersion()}\n`);
    return EXIT.ok;
  }
  if (!p.command) {
    err.write(USAGE);
    return EXIT.usage;
  }
  try {
    switch (p.command) {
      case 'thumbprint': {
        if (p.args.length !== 1) return usageError('thumbprint takes exactly one host.', p.command);
        const extraCaPems = p.ca.length > 0 ? await trust().loadCaFiles(p.ca) : [];
        const r = await computeThumbprint(p.args[0]!, { extraCaPems, timeoutMs: p.timeoutMs, signal });
        out.write(p.json ? `${JSON.stringify(r, null, 2)}\n` : `${formatThumbprintText(r)}\n`);
        return EXIT.ok;
      }
      case 'inspect-token': {
        if (p.args.length > 1) return usageError('inspect-token takes at most one token.', p.command);
        return await inspectCli().inspectTokenCommand(p, out, signal);
      }
      default:
        return usageError(`Unknown command "${p.command}".`);
    }
  } catch (e) {
    const d = describeError(e);
    if (p.json) err.write(`${JSON.stringify({ error: { code: d.code, message: d.message, hint: d.hint } })}\n`);
    else err.write(`Error: ${d.message}${d.hint ? `\n${d.hint}` : ''}\n`);
    return exitCodeOf(e, signal);
  }
}

/**
 * The process around main(): the first Ctrl+C (SIGINT) cancels the running command, which then
 * ends at once with exit code 130 (if it has not ended within a second, the process exits with
 * 130 anyway); a second Ctrl+C is Node's default (immediate end). Once main() has returned, the
 * process exits when stdout and stderr are flushed, even if a cancelled or timed-out network call
 * is still unwinding in the background.
 */
function runAsProcess(): void {
  // The AWS SDK's seven-line Node version warning: once per machine, one line (src/cli/warnings.ts).
  filterSdkNodeWarning({ json: process.argv.includes('--json') });
  const controller = new AbortController();
  let exiting = false;
  const exit = (code: number) => {
    if (exiting) return;
    exiting = true;
    process.exitCode = code;
    // Exits once both streams have flushed what was written (or after 2 s if a reader is stuck).
    setTimeout(() => process.exit(code), 2000).unref();
    process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  };
  process.once('SIGINT', () => {
    process.exitCode = EXIT.interrupted;
    controller.abort();
    setTimeout(() => exit(EXIT.interrupted), 1000);
  });
  main(process.argv.slice(2), process.stdout, process.stderr, controller.signal).then(
    (code) => exit(controller.signal.aborted ? EXIT.interrupted : code),
    (e: unknown) => {
      process.stderr.write(`Error: ${describeError(e).message}\n`);
      exit(controller.signal.aborted ? EXIT.interrupted : EXIT.failed);
    },
  );
}

if (require.main === module) runAsProcess();
