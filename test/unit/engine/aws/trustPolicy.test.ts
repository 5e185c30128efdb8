/**
 * The trust-policy evaluator (src/engine/trustPolicy.ts), table-driven: a role is pinned to the
 * pool only when EVERY Allow statement IAM would evaluate for cognito-identity.amazonaws.com's
 * sts:AssumeRoleWithWebIdentity pins aud (StringEquals, this pool) and amr
 * (ForAnyValue:StringLike "authenticated"); a finding names the statement and what it lets in.
 */
import * as assert from 'node:assert/strict';
import { evaluateTrustPolicy, parseTrustPolicy, recommendedTrustPolicy, type TrustStatus } from '../../../../src/engine/aws/trustPolicy';

const POOL = 'us-east-1:11111111-2222-3333-4444-555555555555';
const OTHER = 'us-east-1:99999999-8888-7777-6666-555555555555';
const AUD = 'cognito-identity.amazonaws.com:aud';
const AMR = 'cognito-identity.amazonaws.com:amr';

const GOOD = { StringEquals: { [AUD]: POOL }, 'ForAnyValue:StringLike': { [AMR]: 'authenticated' } };
const st = (over: Record<string, unknown> = {}, condition: unknown = GOOD): Record<string, unknown> => ({
  Effect: 'Allow',
  Principal: { Federated: 'cognito-identity.amazonaws.com' },
  Action: 'sts:AssumeRoleWithWebIdentity',
  ...(condition ? { Condition: condition } : {}),
  ...over,
});
const policy = (...statements: unknown[]) => ({ Version: '2012-10-17', Statement: statements });
const UNCONDITIONED = st({}, null);

interface Row {
  name: string;
  doc: unknown;
  pinned: boolean;
  principal?: TrustStatus;
  aud?: TrustStatus;
  amr?: TrustStatus;
  /** Cognito itself would refuse (not only a security finding). */
  blocks?: 'principal' | 'aud' | 'amr';
  /** Each must match the message of a failing rule (aud, amr or principal). */
  says?: RegExp[];
}

const ROWS: Row[] = [
  { name: 'the recommended policy', doc: recommendedTrustPolicy(POOL), pinned: true, principal: 'pass', aud: 'pass', amr: 'pass' },
  { name: 'the recommended policy URL-encoded, as IAM returns it', doc: encodeURIComponent(recommendedTrustPolicy(POOL)), pinned: true, aud: 'pass', amr: 'pass' },
  {
    name: 'the correct statement plus a second Allow with no condition',
    doc: policy(st(), UNCONDITIONED),
    pinned: false, principal: 'pass', aud: 'fail', amr: 'fail',
    says: [/^Not pinned to this identity pool: Statement 2 \(no Sid\) allows any identity pool in any account, authenticated or not\./, /Not limited to signed-in identities: Statement 2 \(no Sid\)/],
  },
  {
    name: 'the loose statement named by its Sid',
    doc: policy(st({ Sid: 'Good' }), st({ Sid: 'Legacy' }, null)),
    pinned: false, aud: 'fail', says: [/Statement 2 \(Sid "Legacy"\) allows any identity pool in any account, authenticated or not/],
  },
  { name: 'aud by StringLike "us-east-1:*"', doc: policy(st({}, { StringLike: { [AUD]: 'us-east-1:*' }, 'ForAnyValue:StringLike': { [AMR]: 'authenticated' } })), pinned: false, aud: 'fail', amr: 'pass', says: [/Statement 1 \(no Sid\) allows any identity pool whose id matches "us-east-1:\*"/] },
  { name: 'aud by StringLike without a wildcard (IAM compares it exactly)', doc: policy(st({}, { StringLike: { [AUD]: POOL }, 'ForAnyValue:StringLike': { [AMR]: 'authenticated' } })), pinned: true, aud: 'pass', amr: 'pass' },
  { name: 'amr by ForAnyValue:StringEquals "authenticated" (same meaning as the documented StringLike)', doc: policy(st({}, { StringEquals: { [AUD]: POOL }, 'ForAnyValue:StringEquals': { [AMR]: 'authenticated' } })), pinned: true, aud: 'pass', amr: 'pass' },
  { name: 'aud by StringLike "*"', doc: policy(st({}, { StringLike: { [AUD]: '*' }, 'ForAnyValue:StringLike': { [AMR]: 'authenticated' } })), pinned: false, aud: 'fail' },
  { name: 'aud by ForAnyValue:StringEquals (not the exact pin)', doc: policy(st({}, { 'ForAnyValue:StringEquals': { [AUD]: POOL }, 'ForAnyValue:StringLike': { [AMR]: 'authenticated' } })), pinned: false, aud: 'fail', says: [/tested with ForAnyValue:StringEquals, not StringEquals/] },
  { name: 'aud by ForAllValues:StringEquals (true without aud)', doc: policy(st({}, { 'ForAllValues:StringEquals': { [AUD]: POOL }, 'ForAnyValue:StringLike': { [AMR]: 'authenticated' } })), pinned: false, aud: 'fail', says: [/any request without an aud/] },
  { name: 'aud by StringEqualsIfExists (true without aud)', doc: policy(st({}, { StringEqualsIfExists: { [AUD]: POOL }, 'ForAnyValue:StringLike': { [AMR]: 'authenticated' } })), pinned: false, aud: 'fail', says: [/any request without an aud/] },
  { name: 'aud by StringNotEquals (a negation is no pin)', doc: policy(st({}, { StringNotEquals: { [AUD]: OTHER }, 'ForAnyValue:StringLike': { [AMR]: 'authenticated' } })), pinned: false, aud: 'fail', says: [/any identity pool in any account except/] },
  { name: 'amr under ForAllValues:StringLike (true for an empty set)', doc: policy(st({}, { StringEquals: { [AUD]: POOL }, 'ForAllValues:StringLike': { [AMR]: 'authenticated' } })), pinned: false, aud: 'pass', amr: 'fail', says: [/ForAllValues:StringLike holds for an empty set/] },
  { name: 'an amr pattern that also matches "unauthenticated"', doc: policy(st({}, { StringEquals: { [AUD]: POOL }, 'ForAnyValue:StringLike': { [AMR]: '*authenticated' } })), pinned: false, amr: 'fail', says: [/guest \(unauthenticated\) identities too/] },
  { name: 'amr "unauthenticated" only: signed-in users cannot use it', doc: policy(st({}, { StringEquals: { [AUD]: POOL }, 'ForAnyValue:StringLike': { [AMR]: 'unauthenticated' } })), pinned: false, amr: 'fail', blocks: 'amr', says: [/signed-in users cannot assume it/] },
  { name: 'Principal "*" with no condition next to the good statement', doc: policy(st(), { Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRoleWithWebIdentity' }), pinned: false, aud: 'fail', says: [/Statement 2 \(no Sid\) allows any principal \(not only cognito-identity\.amazonaws\.com\) and any identity pool in any account/] },
  { name: 'Principal {"AWS": "*"} counts as anyone', doc: policy(st(), { Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:*' }), pinned: false, aud: 'fail', says: [/Statement 2/] },
  { name: 'Principal "*" alone, with the right conditions (they hold only for this pool\'s Cognito tokens)', doc: policy(st({ Principal: '*' })), pinned: true, principal: 'pass' },
  { name: 'Action "sts:*" with no condition', doc: policy(st(), st({ Action: 'sts:*' }, null)), pinned: false, aud: 'fail', says: [/Statement 2 \(no Sid\) allows any identity pool/] },
  { name: 'Action "*" and "sts:AssumeRoleWith*" count too', doc: policy(st({ Action: '*' }, null), st({ Action: ['sts:AssumeRoleWith*'] }, null)), pinned: false, aud: 'fail', says: [/Statement 1 \(no Sid\) allows .*; and Statement 2 \(no Sid\) allows/] },
  { name: 'Action names are case-insensitive', doc: policy(st(), st({ Action: 'STS:assumerolewithwebidentity' }, null)), pinned: false, aud: 'fail', says: [/Statement 2/] },
  { name: 'NotAction that does not exclude the call lets it in', doc: policy(st(), st({ Action: undefined, NotAction: 'sts:AssumeRole' }, null)), pinned: false, aud: 'fail', says: [/Statement 2 \(no Sid\) allows any identity pool/] },
  { name: 'NotAction that excludes the call: that statement does not count', doc: policy(st(), st({ Action: undefined, NotAction: 'sts:AssumeRoleWith*' }, null)), pinned: true },
  { name: 'NotPrincipal with Allow that does not name Cognito lets Cognito in', doc: policy(st(), { Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sts:AssumeRoleWithWebIdentity' }), pinned: false, aud: 'fail', says: [/Statement 2/] },
  { name: 'a statement with the right conditions but not the action', doc: policy(st({ Action: 'sts:AssumeRole' })), pinned: false, principal: 'fail', aud: 'skip', amr: 'skip', blocks: 'principal', says: [/names cognito-identity\.amazonaws\.com but allows sts:AssumeRole, not sts:AssumeRoleWithWebIdentity/] },
  { name: 'a statement for another principal does not count', doc: policy(st(), { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }), pinned: true },
  { name: 'aud for another pool', doc: recommendedTrustPolicy(OTHER), pinned: false, aud: 'fail', blocks: 'aud', says: [new RegExp(`No statement lets this identity pool \\(${POOL}\\) in: Statement 1 \\(no Sid\\) allows only the identity pool ${OTHER}, not this one`)] },
  { name: 'aud list with this pool and another', doc: policy(st({}, { StringEquals: { [AUD]: [POOL, OTHER] }, 'ForAnyValue:StringLike': { [AMR]: 'authenticated' } })), pinned: false, aud: 'fail', says: [new RegExp(`allows this identity pool and the identity pool ${OTHER}`)] },
  { name: 'a second statement pinned to another pool (a shared role)', doc: policy(st(), st({}, { StringEquals: { [AUD]: OTHER }, 'ForAnyValue:StringLike': { [AMR]: 'authenticated' } })), pinned: false, aud: 'fail', says: [new RegExp(`Statement 2 \\(no Sid\\) allows only the identity pool ${OTHER}, not this one`)] },
  {
    name: 'case variations: operator names, condition keys, Effect, principal and Statement as an object',
    doc: { Statement: { Effect: 'allow', Principal: { Federated: ['COGNITO-IDENTITY.AMAZONAWS.COM'] }, Action: ['STS:AssumeRoleWithWebIdentity'], Condition: { stringequals: { 'Cognito-Identity.amazonaws.com:AUD': POOL }, 'foranyvalue:stringlike': { 'COGNITO-IDENTITY.AMAZONAWS.COM:amr': ['authenticated'] } } } },
    pinned: true, principal: 'pass', aud: 'pass', amr: 'pass',
  },
  { name: 'values are case-sensitive under StringEquals: an upper-case pool id is another pool', doc: recommendedTrustPolicy(POOL.toUpperCase()), pinned: false, aud: 'fail', blocks: 'aud' },
  { name: 'an unconditional Deny of the call wins', doc: policy(st(), { Sid: 'Off', Effect: 'Deny', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity' }), pinned: false, principal: 'fail', blocks: 'principal', says: [/Statement 2 \(Sid "Off"\) denies/] },
  {
    name: 'a Deny does not excuse a loose Allow (noted in the finding)',
    doc: policy(UNCONDITIONED, { Effect: 'Deny', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringNotEquals: { [AUD]: POOL } } }),
    pinned: false, principal: 'pass', aud: 'fail', says: [/Statement 1 \(no Sid\) allows any identity pool.*Statement 2 \(no Sid\) is a Deny; it is not counted/],
  },
  { name: 'no statement at all', doc: policy(), pinned: false, principal: 'fail', blocks: 'principal', says: [/it has no statements/] },
  { name: 'an unparseable policy', doc: '%7B not json', pinned: false, principal: 'fail', aud: 'skip', amr: 'skip', blocks: 'principal', says: [/could not be read: The role's trust policy is not a JSON object/] },
  { name: 'a policy that is not an object', doc: 42, pinned: false, principal: 'fail', blocks: 'principal' },
];

describe('trust policy evaluator (IAM semantics, every Allow statement counts)', () => {
  for (const row of ROWS) {
    it(`${row.pinned ? 'pinned' : 'NOT pinned'}: ${row.name}`, () => {
      const e = evaluateTrustPolicy(row.doc, POOL);
      const dump = JSON.stringify({ principal: e.principal.message, aud: e.aud.message, amr: e.amr.message });
      assert.equal(e.pinned, row.pinned, dump);
      if (row.principal) assert.equal(e.principal.status, row.principal, dump);
      if (row.aud) assert.equal(e.aud.status, row.aud, dump);
      if (row.amr) assert.equal(e.amr.status, row.amr, dump);
      for (const which of ['principal', 'aud', 'amr'] as const) {
        const v = e[which];
        if (v.status === 'fail') assert.equal(v.blocks, row.blocks === which, `${which} blocks: ${v.message}`);
      }
      if (row.pinned) assert.deepEqual([e.principal.status, e.aud.status, e.amr.status], ['pass', 'pass', 'pass'], dump);
      else assert.ok([e.principal, e.aud, e.amr].some((v) => v.status === 'fail'), `a finding: ${dump}`);
      const failing = [e.principal, e.aud, e.amr].filter((v) => v.status === 'fail').map((v) => v.message);
      for (const re of row.says ?? []) assert.ok(failing.some((m) => re.test(m)), `${re} in ${JSON.stringify(failing)}`);
    });
  }

  it('names the loose statements in the verdict', () => {
    const e = evaluateTrustPolicy(policy(st(), UNCONDITIONED), POOL);
    assert.deepEqual(e.aud.statements.map((s) => s.index), [2]);
    assert.deepEqual(e.allows.map((s) => s.label), ['Statement 1 (no Sid)', 'Statement 2 (no Sid)']);
    assert.equal(e.allows[1]?.admits, 'any identity pool in any account, authenticated or not');
  });

  it('without a pool id: judges the pins (one exact pool) and lists the pools', () => {
    const good = evaluateTrustPolicy(recommendedTrustPolicy(POOL));
    assert.equal(good.pinned, true);
    assert.deepEqual(good.allows[0]?.aud.pools, [POOL]);
    const two = evaluateTrustPolicy(policy(st({}, { StringEquals: { [AUD]: [POOL, OTHER] }, 'ForAnyValue:StringLike': { [AMR]: 'authenticated' } })));
    assert.equal(two.pinned, false);
    assert.deepEqual(two.allows[0]?.aud.exactPools, [POOL, OTHER]);
  });

  it('never throws on hostile shapes', () => {
    const weird: unknown[] = [
      null, undefined, '', '{}', '[]', { Statement: null }, { Statement: [null, 1, 'x', []] },
      { Statement: [{ Effect: {}, Principal: Object.create(null), Action: [{}], Condition: { StringEquals: Object.create(null) } }] },
      { Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Condition: { StringLike: { [AUD]: '*'.repeat(5000) + 'x' } } }] },
      { Statement: [st({ Sid: {} }, { 'ForAnyValue:': { [AUD]: POOL }, ':': {}, StringEquals: { [AUD]: [null, 5, true] } })] },
    ];
    for (const w of weird) {
      const e = evaluateTrustPolicy(w, POOL);
      assert.equal(e.pinned, false);
    }
    const getter = { get Statement(): unknown { throw new Error('boom'); } };
    const e = evaluateTrustPolicy(getter, POOL);
    assert.equal(e.pinned, false);
    assert.match(e.principal.message, /could not be judged/);
  });

  it('parses trust policies URL-encoded, plain or as objects', () => {
    const doc = recommendedTrustPolicy(POOL);
    assert.deepEqual(parseTrustPolicy(encodeURIComponent(doc)), { policy: JSON.parse(doc) });
    assert.match((parseTrustPolicy('') as { error: string }).error, /no trust policy/);
  });
});
