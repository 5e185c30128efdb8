import type { ThumbprintResult } from './thumbprint';
import type { DecodedToken } from './token/decode';
import type { SignatureResult } from './token/jwks';
import type { PreflightReport } from './token/preflight';


/** 'a, b, c', or '(none)' for an empty list (plans' from -> to texts, findings). */
export function listText(xs: readonly string[]): string {
  return xs.length ? xs.join(', ') : '(none)';
}

/** Plain-text rendering of a thumbprint result (CLI, logs, copy as text). */
export function formatThumbprintText(r: ThumbprintResult): string {
  const lines: string[] = [];
  lines.push(`Thumbprint for ${r.target}: ${r.thumbprint}`, '');
  lines.push(r.explanation, '');
  lines.push(`Certificates presented (${r.certificates.length}, leaf first):`);
  r.certificates.forEach((c, i) => {
    const mark = i === r.thumbprintIndex ? '  <- thumbprint' : '';
    lines.push(`  ${i + 1}. [${c.role}] ${c.subject}${mark}`);
    lines.push(`     issuer:  ${c.issuer}`);
    lines.push(`     valid:   ${c.validFrom} .. ${c.validTo}${c.expired ? ' (EXPIRED)' : ''}`);
    lines.push(`     SHA-1:   ${c.sha1}`);
    lines.push(`     SHA-256: ${c.sha256}`);
  });
  if (r.warnings.length) {
    lines.push('', 'Warnings:');
    for (const w of r.warnings) lines.push(`  - ${w}`);
  }
  return lines.join('\n');
}

const VERDICT: Record<PreflightReport['verdict'], string> = { pass: 'PASS', fail: 'WOULD BE REJECTED', 'cannot-confirm': 'CANNOT CONFIRM' };
const MARK: Record<string, string> = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', skip: 'skip' };

/** Plain-text rendering of a token inspection and preflight (CLI). Never prints the token itself. */
export function formatPreflightText(d: DecodedToken, sig: SignatureResult | undefined, r: PreflightReport, pool: string | undefined, notes: string[]): string {
  const kind = d.kind === 'id' ? 'ID token' : d.kind === 'access' ? 'access token' : 'JWT of unclear kind';
  const lines: string[] = [];
  lines.push(`${kind} (${d.kindReason}), ${d.alg ?? 'no alg'}, ${d.length} characters`);
  const c = d.claims;
  for (const k of ['iss', 'aud', 'azp', 'sub'] as const) if (c[k] !== undefined) lines.push(`  ${k.padEnd(4)} ${typeof c[k] === 'string' ? c[k] : JSON.stringify(c[k])}`);
  for (const t of [d.times.exp, d.times.iat]) if (t) lines.push(`  ${t.claim.padEnd(4)} ${t.iso} (${t.text})`);
  if (sig) lines.push(`Signature: ${sig.status}: ${sig.message}${sig.status === 'valid' ? '' : ` ${sig.hint}`}`);
  lines.push('', `Preflight${pool ? ` against ${pool}` : ' (token only; add --pool to check a pool)'}: ${VERDICT[r.verdict]}: ${r.summary}`);
  if (r.predictedError) lines.push(`Cognito would answer: ${r.predictedError}`);
  if (r.expectedLoginsKey) lines.push(`Logins key: ${r.expectedLoginsKey}`);
  for (const n of notes) lines.push(`Note: ${n}`);
  for (const rule of r.rules) {
    lines.push(`  [${MARK[rule.status] ?? rule.status}] ${rule.title}: ${rule.message}`);
    if (rule.status === 'fail' || rule.status === 'warn') {
      if (rule.awsError) lines.push(`         AWS: ${rule.awsError}`);
      if (rule.hint) lines.push(`         Fix: ${rule.hint}`);
    }
  }
  return lines.join('\n');
}
