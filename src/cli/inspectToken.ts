/**
 * `auth0-cognito inspect-token [token]`: the token pipeline (inspectToken) from the command line.
 * Loaded by main.ts on demand (dist/chunks/cli-inspect-token.js), so other commands do not load
 * the preflight, the JWKS code or the AWS pool reader.
 */
import { cancelledError } from '../engine/errors';
import { formatPreflightText } from '../engine/format';
import { inspectToken } from '../engine/token/inspect';
import { loadCaFiles } from '../engine/trust';
import { EXIT, exitCodeOfVerdict, readStdin } from './common';
import type { Parsed } from './main';

/** Runs inspect-token with parsed arguments; returns the exit code (throws EngineErrors). */
export async function inspectTokenCommand(p: Parsed, out: NodeJS.WritableStream, signal: AbortSignal): Promise<number> {
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
