/**
 * auth0-cognito: the headless CLI over the engine, for scripts and CI pipelines.
 * Exit codes (EXIT below, documented in USAGE and README.md): 0 success, 1 the operation or the
 * preflight failed, 2 usage or config error, 3 inspect-token could not confirm the token,
 * 130 interrupted (Ctrl+C).
 */
import { computeThumbprint } from '../engine/thumbprint';
import { formatThumbprintText } from '../engine/format';
import { cancelledError, describeError, EngineError, isEngineError, type ErrorCode } from '../engine/errors';
import { loadCaFiles } from '../engine/trust';
import { inspectToken } from '../engine/token/inspect';
import type { PreflightVerdict } from '../engine/token/preflight';
import { formatPreflightText } from '../engine/format';
import { setupCommand } from './setup';

const USAGE = `Usage: auth0-cognito <command> [options]

Commands:
  thumbprint <host>     Show the TLS chain a host presents and the thumbprint IAM expects
                        for an OpenID Connect provider on it. <host> may be a domain,
                        host:port, or an https:// URL.

  inspect-token [token] Decode an ID token, verify its signature against the issuer's JWKS and
                        check every rule Cognito applies; with --pool, also against that
                        identity pool's providers and roles. Reads the token from stdin when
                        not given (at most 4 MB). Exit code 0 when the preflight passes, 1 when
                        it fails, 3 when nothing failed but the token could not be confirmed
                        (e.g. the issuer's keys could not be fetched to check the signature).

  setup --plan|--apply --config FILE
                        The setup wizard's steps from a config file (see \`setup --help\`):
                        --plan shows what exists and the exact calls it would make;
                        --apply makes them, in order, and stops at the first failure.

Options:
  --json                Print the result as JSON.
  --pool <id>           inspect-token: the identity pool to check against (REGION:GUID).
  --profile <name>      AWS profile (default: the default credential chain).
  --endpoint <url>      AWS endpoint for IAM/Cognito/STS (LocalStack, moto); default
                        AWS_ENDPOINT_URL or AWS.
  --ca <file>           Trust this extra CA certificate (PEM); repeatable.
  --timeout <seconds>   Network timeout (default 15). An AWS call ends within it, its
                        retries included; the message names a call that did not answer.
  -h, --help            Show this help.

Exit codes:
  0    success (inspect-token: the preflight passed)
  1    the operation failed, or inspect-token's preflight failed (message on stderr)
  2    usage or config error: unknown option, bad value, unreadable or invalid --config / --ca
       file, input too large
  3    inspect-token: nothing failed, but the token could not be confirmed (signature unverified)
  130  interrupted (Ctrl+C)
`;

/** The exit codes (see USAGE). */
export const EXIT = { ok: 0, failed: 1, usage: 2, cannotConfirm: 3, interrupted: 130 } as const;

/** What a usage error prints after its one line. */
export const SEE_HELP = 'Run "auth0-cognito --help" for usage.';

/** Most stdin inspect-token reads. */
export const MAX_STDIN_BYTES = 4 * 1024 * 1024;

/** Error codes that are usage or config errors (exit 2), whatever the command. */
const USAGE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['INVALID_INPUT', 'CA_FILE']);

/** The exit code for an error thrown by a command. */
export function exitCodeOf(e: unknown, signal?: AbortSignal): number {
  if (signal?.aborted || (isEngineError(e) && e.code === 'CANCELLED')) return EXIT.interrupted;
  return isEngineError(e) && USAGE_CODES.has(e.code) ? EXIT.usage : EXIT.failed;
}

/** inspect-token's exit code for a preflight verdict. */
export function exitCodeOfVerdict(verdict: PreflightVerdict): number {
  return verdict === 'pass' ? EXIT.ok : verdict === 'cannot-confirm' ? EXIT.cannotConfirm : EXIT.failed;
}

interface Parsed {
  command: string | undefined;
  pool: string | undefined;
  profile: string | undefined;
  endpoint: string | undefined;
  args: string[];
  json: boolean;
  ca: string[];
  timeoutMs: number;
  help: boolean;
}

class UsageError extends Error {}

export function parseArgs(argv: string[]): Parsed {
  const p: Parsed = { command: undefined, pool: undefined, profile: undefined, endpoint: undefined, args: [], json: false, ca: [], timeoutMs: 15_000, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value.`);
      return v;
    };
    if (a === '--json') p.json = true;
    else if (a === '-h' || a === '--help') p.help = true;
    else if (a === '--ca') p.ca.push(value());
    else if (a === '--pool') p.pool = value();
    else if (a === '--profile') p.profile = value();
    else if (a === '--endpoint') p.endpoint = value();
    else if (a === '--timeout') {
      const s = Number(value());
      if (!Number.isFinite(s) || s <= 0 || s > 600) throw new UsageError('--timeout takes a number of seconds between 0 and 600.');
      p.timeoutMs = s * 1000;
    } else if (a.startsWith('-') && a !== '-') throw new UsageError(`Unknown option ${a}.`);
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
  const usageError = (message: string): number => {
    err.write(`${message}\n${SEE_HELP}\n`);
    return EXIT.usage;
  };
  if (argv[0] === 'setup') {
    // setup has options of its own (src/cli/setup.ts).
    const code = await setupCommand(argv.slice(1), out, err, signal);
    return signal.aborted ? EXIT.interrupted : code;
  }
  let p: Parsed;
  try {
    p = parseArgs(argv);
  } catch (e) {
    return usageError((e as Error).message);
  }
  if (p.help) {
    out.write(USAGE);
    return EXIT.ok;
  }
  if (!p.command) {
    err.write(USAGE);
    return EXIT.usage;
  }
  try {
    switch (p.command) {
      case 'thumbprint': {
        if (p.args.length !== 1) return usageError('thumbprint takes exactly one host.');
        const extraCaPems = await loadCaFiles(p.ca);
        const r = await computeThumbprint(p.args[0]!, { extraCaPems, timeoutMs: p.timeoutMs, signal });
        out.write(p.json ? `${JSON.stringify(r, null, 2)}\n` : `${formatThumbprintText(r)}\n`);
        return EXIT.ok;
      }
      case 'inspect-token': {
        if (p.args.length > 1) return usageError('inspect-token takes at most one token.');
        const extraCaPems = await loadCaFiles(p.ca);
        const input = p.args[0] ?? (await readStdin(signal));
        const trust = { extraCaPems };
        const { decoded, signature, report, notes } = await inspectToken(input, {
          pool: p.pool,
          aws: p.pool ? { profile: p.profile, endpoint: p.endpoint ?? process.env.AWS_ENDPOINT_URL, trust, timeoutMs: p.timeoutMs } : undefined,
          trust,
          timeoutMs: p.timeoutMs,
          signal,
        });
        if (!decoded.ok) {
          if (p.json) out.write(`${JSON.stringify({ ok: false, verdict: 'fail', problem: { code: decoded.code, message: decoded.problem, hint: decoded.hint } }, null, 2)}\n`);
          else out.write(`Not a token: ${decoded.problem}\n${decoded.hint}\n`);
          return EXIT.failed;
        }
        if (signal.aborted) throw cancelledError();
        if (p.json) {
          const { raw: _raw, ...shown } = decoded;
          out.write(`${JSON.stringify({ ok: report.ok, verdict: report.verdict, token: shown, signature, preflight: report, notes }, null, 2)}\n`);
        } else {
          out.write(`${formatPreflightText(decoded, signature, report, p.pool, notes)}\n`);
        }
        return exitCodeOfVerdict(report.verdict);
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

/** stdin as text, at most MAX_STDIN_BYTES (more is an INVALID_INPUT error, not a cut); '' on a terminal. */
function readStdin(signal: AbortSignal): Promise<string> {
  const stdin = process.stdin;
  if (stdin.isTTY) return Promise.resolve('');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (fn: () => void) => {
      stdin.removeListener('data', onData);
      stdin.removeListener('end', onEnd);
      stdin.removeListener('error', onError);
      signal.removeEventListener('abort', onAbort);
      fn();
    };
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > MAX_STDIN_BYTES) {
        stdin.pause();
        done(() => reject(new EngineError('INVALID_INPUT', `The input on stdin is larger than ${MAX_STDIN_BYTES / (1024 * 1024)} MB: an ID token is a few KB.`,
          'Pass only the token (or the text around it) on stdin, or give the token as an argument.')));
        return;
      }
      chunks.push(c);
    };
    const onEnd = () => done(() => resolve(Buffer.concat(chunks).toString('utf8')));
    const onError = (e: Error) => done(() => reject(e));
    const onAbort = () => {
      stdin.pause();
      done(() => reject(cancelledError()));
    };
    if (signal.aborted) {
      reject(cancelledError());
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.on('error', onError);
  });
}

/**
 * The process around main(): the first Ctrl+C (SIGINT) cancels the running command, which then
 * ends at once with exit code 130 (if it has not ended within a second, the process exits with
 * 130 anyway); a second Ctrl+C is Node's default (immediate end). Once main() has returned, the
 * process exits when stdout and stderr are flushed, even if a cancelled or timed-out network call
 * is still unwinding in the background.
 */
function runAsProcess(): void {
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
