/**
 * What the CLI's commands share (exit codes, stdin), in a file of its own so that each command
 * module (main.ts, setup.ts, inspectToken.ts) can be loaded without the others.
 */
import { jsonDepth, MAX_JSON_DEPTH, readFileAtMost } from '../engine/bounds';
import { cancelledError, EngineError } from '../engine/errors';
import type { PreflightVerdict } from '../engine/token/preflight';

/** The exit codes (see USAGE in main.ts). */
export const EXIT = { ok: 0, failed: 1, usage: 2, cannotConfirm: 3, interrupted: 130 } as const;

/** What a usage error prints after its one line. */
export const SEE_HELP = 'Run "auth0-cognito --help" for usage.';

/** Most stdin inspect-token reads. */
export const MAX_STDIN_BYTES = 4 * 1024 * 1024;

/** inspect-token's exit code for a preflight verdict. */
export function exitCodeOfVerdict(verdict: PreflightVerdict): number {
  return verdict === 'pass' ? EXIT.ok : verdict === 'cannot-confirm' ? EXIT.cannotConfirm : EXIT.failed;
}

/** stdin as text, at most MAX_STDIN_BYTES (more is an INVALID_INPUT error, not a cut); '' on a terminal. */
export function readStdin(signal: AbortSignal): Promise<string> {
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

/** The largest config file read (a real one is a few hundred bytes). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** The config file parsed: at most MAX_CONFIG_BYTES, nested at most MAX_JSON_DEPTH levels. INVALID_INPUT errors. */
export async function readConfig(file: string): Promise<unknown> {
  let bytes: Buffer;
  try {
    bytes = await readFileAtMost(file, MAX_CONFIG_BYTES);
  } catch (e) {
    throw new EngineError('INVALID_INPUT', `Cannot read the config file ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'}).`, 'Check the path given with --config.');
  }
  if (bytes.length > MAX_CONFIG_BYTES) {
    throw new EngineError('INVALID_INPUT', `The config file ${file} is larger than ${MAX_CONFIG_BYTES / (1024 * 1024)} MB.`,
      'Give a setup config with --config (a few hundred bytes of JSON: see auth0-cognito setup --help).');
  }
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw new EngineError('INVALID_INPUT', `The config file ${file} nests deeper than ${MAX_JSON_DEPTH} levels.`,
      'A setup config is two levels deep: see auth0-cognito setup --help for its shape.');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new EngineError('INVALID_INPUT', `The config file ${file} is not JSON: ${(e as Error).message}`, 'Fix the JSON (see auth0-cognito setup --help for its shape).');
  }
}

/** `--timeout SECONDS` as milliseconds; throws `usageError(message)` outside 0..600 (every command takes it the same way). */
export function timeoutOption(value: string, usageError: (message: string) => Error): number {
  const s = Number(value);
  if (!Number.isFinite(s) || s <= 0 || s > 600) throw usageError('--timeout takes a number of seconds between 0 and 600.');
  return s * 1000;
}
