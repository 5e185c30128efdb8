/**
 * auth0-cognito: the headless CLI over the engine, for scripts and CI pipelines.
 * Exit codes: 0 success, 1 the operation failed (message on stderr), 2 usage error.
 */
import { computeThumbprint } from '../engine/thumbprint';
import { formatThumbprintText } from '../engine/format';
import { describeError, EngineError } from '../engine/errors';
import { loadCaFiles } from '../engine/trust';
import { decodeToken } from '../engine/token';
import { verifySignature } from '../engine/jwks';
import { runPreflight, type PreflightReport } from '../engine/preflight';
import { readPoolTarget, regionOfPoolId } from '../engine/preflightRead';
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
                        not given. Exit code 0 when the preflight passes, 1 when it does not.

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
  --timeout <seconds>   Network timeout (default 15).
  -h, --help            Show this help.
`;

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

export async function main(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  if (argv[0] === 'setup') {
    // setup has options of its own (src/cli/setup.ts).
    const controller = new AbortController();
    const onSignal = () => controller.abort();
    process.once('SIGINT', onSignal);
    try {
      return await setupCommand(argv.slice(1), out, err, controller.signal);
    } finally {
      process.removeListener('SIGINT', onSignal);
    }
  }
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
      case 'inspect-token': {
        if (p.args.length > 1) {
          err.write(`inspect-token takes at most one token.\n\n${USAGE}`);
          return 2;
        }
        const input = p.args[0] ?? (await readStdin());
        const extraCaPems = await loadCaFiles(p.ca);
        const decoded = decodeToken(input);
        if (!decoded.ok) {
          if (p.json) out.write(`${JSON.stringify({ ok: false, problem: { code: decoded.code, message: decoded.problem, hint: decoded.hint } }, null, 2)}\n`);
          else out.write(`Not a token: ${decoded.problem}\n${decoded.hint}\n`);
          return 1;
        }
        const signature = typeof decoded.claims.iss === 'string'
          ? await verifySignature(decoded, { trust: { extraCaPems }, timeoutMs: p.timeoutMs, signal: controller.signal })
          : undefined;
        let report: PreflightReport;
        let notes: string[] = [];
        if (p.pool) {
          const region = regionOfPoolId(p.pool);
          const aws = { region, profile: p.profile, endpoint: p.endpoint ?? process.env.AWS_ENDPOINT_URL, trust: { extraCaPems }, timeoutMs: p.timeoutMs };
          const read = await readPoolTarget({ aws, poolId: p.pool, issuer: typeof decoded.claims.iss === 'string' ? decoded.claims.iss : undefined, signal: controller.signal });
          notes = read.notes;
          report = runPreflight({ token: decoded, signature, target: read.target });
        } else {
          report = runPreflight({ token: decoded, signature });
        }
        if (p.json) {
          const { raw: _raw, ...shown } = decoded;
          out.write(`${JSON.stringify({ ok: report.ok, token: shown, signature, preflight: report, notes }, null, 2)}\n`);
        } else {
          out.write(`${formatPreflightText(decoded, signature, report, p.pool, notes)}\n`);
        }
        return report.ok ? 0 : 1;
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

function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return Promise.resolve('');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    process.stdin.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 4 * 1024 * 1024) chunks.push(c);
    });
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (e: unknown) => { process.stderr.write(`Error: ${describeError(e).message}\n`); process.exitCode = 1; },
  );
}
