/**
 * The AWS SDK for JavaScript v3 warns on every run under Node < 22 with a seven-line
 * `NodeVersionSupportWarning` (process.emitWarning in @aws-sdk/core), although everything works:
 * it is about SDK releases after January 2027. On stderr, where the CLI keeps what the user must
 * act on, the CLI shows it once per machine, as one line, and remembers that in a small file in
 * the user's cache directory (os.tmpdir() when that cannot be written; when neither can, it is
 * not shown). With --json it is not shown (stderr then holds JSON only) and not marked as shown.
 * Every other process warning goes to Node unchanged. AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
 * (the SDK's own switch) turns it off altogether.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The SDK's warning, by the name its message starts with. */
export const SDK_NODE_WARNING = 'NodeVersionSupportWarning';

const APP_DIR = 'auth0-cognito-bridge';

/** Where the CLI remembers things per user: $XDG_CACHE_HOME, %LOCALAPPDATA% or ~/.cache, then os.tmpdir(). */
export function cacheDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const base = env.XDG_CACHE_HOME || (process.platform === 'win32' ? env.LOCALAPPDATA : undefined) || path.join(os.homedir(), '.cache');
  return [path.join(base, APP_DIR), path.join(os.tmpdir(), APP_DIR)];
}

/** Whether a warning passed to process.emitWarning is the SDK's Node version warning. */
export function isSdkNodeWarning(warning: unknown, typeOrOptions?: unknown): boolean {
  const type = typeof typeOrOptions === 'string' ? typeOrOptions : (typeOrOptions as { type?: unknown } | undefined)?.type;
  if (type === SDK_NODE_WARNING) return true;
  if (warning instanceof Error) return warning.name === SDK_NODE_WARNING || warning.message.startsWith(`${SDK_NODE_WARNING}:`);
  return typeof warning === 'string' && warning.startsWith(`${SDK_NODE_WARNING}:`);
}

/** The Node major the SDK asks for ('22'), from its message; undefined when it does not say. */
export function requiredNode(message: string): string | undefined {
  return /node\s*>=\s*(\d+)/i.exec(message)?.[1];
}

/** The SDK's seven lines as one. */
export function oneLine(message: string, nodeVersion: string = process.version): string {
  const need = requiredNode(message);
  const when = /published after\s+(.+?)\s+will require/is.exec(message)?.[1]?.replace(/\s+/g, ' ');
  if (!need) {
    const first = message.replace(`${SDK_NODE_WARNING}:`, '').trim().split('\n')[0]?.trim() ?? '';
    return `Note (shown once): ${first}`;
  }
  return `Note (shown once): AWS SDK releases ${when ? `after ${when} ` : ''}need Node.js >= ${need} (this is ${nodeVersion}); auth0-cognito works on it today.`;
}

export interface SdkWarningOptions {
  /** The CLI prints JSON: drop the warning, do not mark it as shown. */
  json: boolean;
  /** Where the one line goes (default process.stderr). */
  stderr?: NodeJS.WritableStream;
  /** Where the marker may go, first that works (default cacheDirs()). */
  dirs?: string[];
}

/**
 * Shows the SDK warning as one line, at most once per machine: returns the line when shown,
 * undefined when not (shown before, --json, or no directory to remember it in).
 */
export function showOnce(message: string, opts: SdkWarningOptions): string | undefined {
  if (opts.json) return undefined;
  const dirs = opts.dirs ?? cacheDirs();
  const marker = `aws-sdk-node-${requiredNode(message) ?? 'version'}-warning-shown`;
  if (dirs.some((d) => fs.existsSync(path.join(d, marker)))) return undefined;
  const line = oneLine(message);
  let remembered = false;
  for (const d of dirs) {
    try {
      fs.mkdirSync(d, { recursive: true });
      fs.writeFileSync(path.join(d, marker), `${new Date().toISOString()} ${line}\n`, { flag: 'wx' });
      remembered = true;
      break;
    } catch (e) {
      // Another run wrote it at the same moment: that run shows it.
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    }
  }
  if (!remembered) return undefined;
  (opts.stderr ?? process.stderr).write(`${line}\n`);
  return line;
}

/**
 * Routes the SDK's Node version warning through showOnce() and every other warning to Node as
 * before. Returns a function that restores process.emitWarning.
 */
export function filterSdkNodeWarning(opts: SdkWarningOptions): () => void {
  const original = process.emitWarning;
  const filtered = function (this: unknown, warning: string | Error, ...rest: unknown[]): void {
    if (isSdkNodeWarning(warning, rest[0])) {
      showOnce(typeof warning === 'string' ? warning : warning.message, opts);
      return;
    }
    (original as (...a: unknown[]) => void).apply(process, [warning, ...rest]);
  };
  process.emitWarning = filtered as typeof process.emitWarning;
  return () => {
    if (process.emitWarning === filtered) process.emitWarning = original;
  };
}
