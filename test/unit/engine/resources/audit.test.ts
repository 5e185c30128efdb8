/** The resources audit's pure parts (src/engine/resources/audit.ts): trust findings, bounded and escaped text, the per-resource index. */
import * as assert from 'node:assert/strict';
import { recommendedTrustPolicy } from '../../../../src/engine/aws/trustPolicy';
import {
  FINDING_CODES,
  bounded,
  eachLimit,
  findingsByResource,
  formatAuditText,
  printable,
  trustFindings,
  worstSeverity,
  type ResourcesAudit,
} from '../../../../src/engine/resources/audit';
import { RESOURCES_USAGE } from '../../../../src/cli/usage';

const POOL = 'us-east-1:0123abcd-0000-1111-2222-333344445555';
const OTHER = 'us-east-1:99999999-0000-1111-2222-333344445555';
const PROBES = ['eu-west-1:a0c0a0c0-0000-4000-8000-00000000a0c0', 'us-east-1:a0c0a0c0-0000-4000-8000-00000000a0c0'];
const AMR = { 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } };

function policy(...conditions: (Record<string, unknown> | undefined)[]): string {
  return encodeURIComponent(JSON.stringify({
    Version: '2012-10-17',
    Statement: conditions.map((c) => ({ Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity', ...(c ? { Condition: c } : {}) })),
  }));
}
const codes = (doc: unknown, guestRole = false) => trustFindings(doc, PROBES, guestRole).map((f) => `${f.code}:${f.severity}`);

describe('resources audit: findings and text', () => {
  it('a trust pinned to one pool has no finding; no aud, a "*" or region-wide pattern is trust-any-pool (error)', () => {
    assert.deepEqual(codes(recommendedTrustPolicy(POOL)), []);
    assert.deepEqual(codes(policy(AMR)), ['trust-any-pool:error']);
    assert.deepEqual(codes(policy({ StringLike: { 'cognito-identity.amazonaws.com:aud': '*' }, ...AMR })), ['trust-any-pool:error']);
    assert.deepEqual(codes(policy({ StringLike: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:*' }, ...AMR })), ['trust-any-pool:error']);
    // Not the StringEquals pin, but no made-up pool gets in: a warning.
    assert.deepEqual(codes(policy({ StringEqualsIfExists: { 'cognito-identity.amazonaws.com:aud': POOL }, ...AMR })), ['trust-pool-not-pinned:warning']);
    assert.deepEqual(codes(policy({ StringLike: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:0123abcd-*' }, ...AMR })), ['trust-pool-not-pinned:warning']);
    // One loose statement is enough, whatever the others say.
    assert.deepEqual(codes(policy({ StringEquals: { 'cognito-identity.amazonaws.com:aud': POOL }, ...AMR }, AMR)), ['trust-any-pool:error']);
    const msg = trustFindings(policy(AMR), PROBES, false)[0]?.message ?? '';
    assert.match(msg, /Statement 2|Statement 1/);
    assert.match(msg, /any identity pool in any account/);
  });

  it('two pools named is trust-several-pools (warning); guests let in is trust-guests unless the role is an unauthenticated role', () => {
    assert.deepEqual(codes(policy({ StringEquals: { 'cognito-identity.amazonaws.com:aud': [POOL, OTHER] }, ...AMR })), ['trust-several-pools:warning']);
    const noAmr = policy({ StringEquals: { 'cognito-identity.amazonaws.com:aud': POOL } });
    assert.deepEqual(codes(noAmr), ['trust-guests:warning']);
    assert.deepEqual(codes(noAmr, true), []);
    assert.deepEqual(codes('not json'), ['trust-unreadable:warning']);
  });

  it('text from outside is bounded and its control and bidi characters escaped', () => {
    assert.equal(printable('a\u001b[31mb\u202ec\nd'), 'a\\u001b[31mb\\u202ec\\u000ad');
    assert.equal(printable(printable('x\u0007')), 'x\\u0007', 'escaping twice changes nothing');
    assert.equal(bounded('x'.repeat(600)).length, 512);
    assert.ok(bounded('x'.repeat(600)).endsWith('…'));
    assert.equal(printable('y'.repeat(1000)).length, 160);
  });

  const audit: ResourcesAudit = {
    region: 'us-east-1',
    providers: [{ arn: 'arn:aws:iam::123456789012:oidc-provider/evil\u001b[2J.example.com', url: 'evil\u001b[2J.example.com', clientIds: ['c'], thumbprints: ['ab'.repeat(20)], setup: undefined, currentThumbprint: undefined, pools: [], findings: [{ code: 'provider-unused', severity: 'info', message: 'unused' }] }],
    pools: [{ id: POOL, name: 'pool\u202eevil', providers: [], authenticatedRole: null, unauthenticatedRole: null, allowUnauthenticated: false, setup: 'my\nsetup', findings: [] }],
    roles: [{ arn: 'arn:aws:iam::123456789012:role/r', name: 'r', pools: [], trust: 'any identity pool · authenticated identities', trustedPools: [], findings: [{ code: 'role-unused', severity: 'info', message: 'x' }, { code: 'trust-any-pool', severity: 'error', message: 'loose\u0007' }] }],
    truncated: false,
    counts: { error: 1, warning: 0, info: 2 },
    calls: {},
  };

  it('the text: a line per resource, findings indented below (errors first), nothing unescaped', () => {
    const text = formatAuditText(audit);
    assert.ok(![...text].some((c) => (c.charCodeAt(0) < 0x20 && c !== '\n') || c === '\u202e'), 'no control or bidi character reaches the terminal');
    assert.match(text, /^ {2}evil\\u001b\[2J\.example\.com {2}1 client ID, 1 thumbprint, 0 pools$/m);
    assert.match(text, /^ {4}info {4}provider-unused: unused$/m);
    assert.match(text, /^ {2}pool\\u202eevil \(us-east-1:0123abcd-0000-1111-2222-333344445555\) {2}0 OIDC providers, no authenticated role \[setup: my\\u000asetup\]$/m);
    const roleLines = text.split('\n').slice(text.split('\n').findIndex((l) => l.startsWith('  r  ')));
    assert.match(roleLines[1] ?? '', /^ {4}error {3}trust-any-pool: loose\\u0007$/);
    assert.match(roleLines[2] ?? '', /^ {4}info {4}role-unused/);
    assert.match(text, /Findings: 1 error, 0 warnings, 2 info\.$/);
  });

  it('findings per provider ARN, pool id and role ARN; the worst severity', () => {
    const m = findingsByResource(audit);
    assert.deepEqual([...m.keys()], [audit.providers[0]?.arn, audit.roles[0]?.arn]);
    assert.equal(worstSeverity(m.get(audit.roles[0]?.arn ?? '') ?? []), 'error');
    assert.equal(worstSeverity([]), undefined);
  });

  it('eachLimit (the thumbprint fetches) runs at most n at a time and every item once', async () => {
    const started: number[] = [];
    const release: (() => void)[] = [];
    let running = 0;
    let most = 0;
    const done = eachLimit([0, 1, 2, 3, 4, 5, 6], 4, (i) => new Promise<void>((resolve) => {
      started.push(i);
      running++;
      most = Math.max(most, running);
      release.push(() => { running--; resolve(); });
    }));
    await Promise.resolve();
    assert.deepEqual(started, [0, 1, 2, 3], 'four start at once');
    release.shift()?.();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(started, [0, 1, 2, 3, 4], 'the next starts when one ends');
    while (release.length) {
      release.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    await done;
    assert.deepEqual(started, [0, 1, 2, 3, 4, 5, 6]);
    assert.equal(most, 4);
  });

  it('every finding code is documented in resources --help with its severity', () => {
    for (const [code, severity] of Object.entries(FINDING_CODES)) {
      assert.match(RESOURCES_USAGE, new RegExp(`^ {2}${code} +${severity} `, 'm'), code);
    }
  });
});
