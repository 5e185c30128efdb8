/**
 * auth0-cognito: the headless CLI over the engine, for scripts and CI pipelines.
 * Exit codes: 0 success, 1 the operation failed (message on stderr), 2 usage error.
 */
import { computeThumbprint } from '../engine/thumbprint';
import { formatThumbprintText } from '../engine/format';
import { describeError, EngineError } from '../engine/errors';
import { loadCaFiles } from '../engine/trust';

const USAGE = `Usage: auth0-cognito <command> [options]

Commands:
  thumbprint <host>     Show the TLS chain a host presents and the thumbprint IAM expects
                        for an OpenID Connect provider on it. <host> may be a domain,
                        host:port, or an https:// URL.

Options:
  --json                Print the result as JSON.
  --ca <file>           Trust this extra CA certificate (PEM); repeatable.
  --timeout <seconds>   Network timeout (default 15).
  -h, --help            Show this help.
`;

interface Parsed {
  command: string | undefined;
  args: string[];
  json: boolean;
  ca: string[];
  timeoutMs: number;
  help: boolean;
}

class UsageError extends Error {}

export function parseArgs(argv: string[]): Parsed {
  const p: Parsed = { command: undefined, args: [], json: false, ca: [], timeoutMs: 15_000, help: false };
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

export async function main(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  let p: Parsed;
  try {
    p = parseArgs(argv);
  } catch (e) {
    err.write(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (p.help || !p.command) {
    (p.help ? out : err).write(USAGE);
    return p.help ? 0 : 2;
  }
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  try {
    switch (p.command) {
      case 'thumbprint': {
        if (p.args.length !== 1) {
          err.write(`thumbprint takes exactly one host.\n\n${USAGE}`);
          return 2;
        }
        const extraCaPems = await loadCaFiles(p.ca);
        const r = await computeThumbprint(p.args[0]!, { extraCaPems, timeoutMs: p.timeoutMs, signal: controller.signal });
        out.write(p.json ? `${JSON.stringify(r, null, 2)}\n` : `${formatThumbprintText(r)}\n`);
        return 0;
      }
      default:
        err.write(`Unknown command "${p.command}".\n\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    const d = describeError(e);
    if (p.json) err.write(`${JSON.stringify({ error: { code: d.code, message: d.message, hint: d.hint } })}\n`);
    else err.write(`Error: ${d.message}${d.hint ? `\n${d.hint}` : ''}\n`);
    return e instanceof EngineError && e.code === 'INVALID_INPUT' ? 2 : 1;
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (e: unknown) => { process.stderr.write(`Error: ${describeError(e).message}\n`); process.exitCode = 1; },
  );
}
