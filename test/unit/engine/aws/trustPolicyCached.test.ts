/**
 * evaluateTrustPolicyCached / evaluateTagSessionCached (issue 11, item 3): the preflight judges
 * the same role's trust policy once, not once per token and rule. What must hold: the cached
 * verdict always equals a fresh evaluateTrustPolicy of the policy as it is NOW, whether the
 * object was changed in place, another object or another pool id is given, or the value is odd.
 */
import * as assert from 'node:assert/strict';
import {
  evaluateTagSession,
  evaluateTagSessionCached,
  evaluateTrustPolicy,
  evaluateTrustPolicyCached,
  recommendedTrustPolicy,
} from '../../../../src/engine/aws/trustPolicy';

const POOL = 'us-east-1:11111111-2222-3333-4444-555555555555';
const OTHER = 'us-east-1:99999999-8888-7777-6666-555555555555';
const AUD = 'cognito-identity.amazonaws.com:aud';

const fresh = (): Record<string, unknown> => JSON.parse(recommendedTrustPolicy(POOL)) as Record<string, unknown>;
type Stmt = { Action: unknown; Condition: { StringEquals: Record<string, string> } };
const stmt = (p: Record<string, unknown>, i = 0): Stmt => (p.Statement as Stmt[])[i] as Stmt;

describe('trust evaluation cached per policy object and pool', () => {
  it('the same object and pool: the same verdict object, equal to a fresh evaluation', () => {
    const p = fresh();
    const a = evaluateTrustPolicyCached(p, POOL);
    assert.equal(evaluateTrustPolicyCached(p, POOL), a);
    assert.deepEqual(a, evaluateTrustPolicy(p, POOL));
    assert.equal(a.pinned, true);
  });

  it('an object changed in place is judged again (a value, a key, a statement added or removed)', () => {
    const p = fresh();
    assert.equal(evaluateTrustPolicyCached(p, POOL).pinned, true);
    stmt(p).Condition.StringEquals[AUD] = OTHER;
    const moved = evaluateTrustPolicyCached(p, POOL);
    assert.equal(moved.pinned, false);
    assert.equal(moved.aud.status, 'fail');
    assert.deepEqual(moved, evaluateTrustPolicy(p, POOL));

    stmt(p).Condition.StringEquals[AUD] = POOL;
    assert.equal(evaluateTrustPolicyCached(p, POOL).pinned, true);

    const loose = { Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity' };
    (p.Statement as unknown[]).push(loose);
    const two = evaluateTrustPolicyCached(p, POOL);
    assert.equal(two.pinned, false);
    assert.match(two.aud.message, /Statement 2/);
    (p.Statement as unknown[]).pop();
    assert.equal(evaluateTrustPolicyCached(p, POOL).pinned, true);

    delete (stmt(p) as { Condition?: unknown }).Condition;
    assert.equal(evaluateTrustPolicyCached(p, POOL).aud.status, 'fail');
  });

  it('a change deep in an array (Action as a list) is seen', () => {
    const p = fresh();
    stmt(p).Action = ['sts:AssumeRoleWithWebIdentity'];
    assert.equal(evaluateTrustPolicyCached(p, POOL).principal.status, 'pass');
    (stmt(p).Action as string[])[0] = 'sts:AssumeRole';
    assert.equal(evaluateTrustPolicyCached(p, POOL).principal.status, 'fail');
  });

  it('another pool id, or no pool id, is its own verdict', () => {
    const p = fresh();
    assert.equal(evaluateTrustPolicyCached(p, POOL).aud.status, 'pass');
    assert.equal(evaluateTrustPolicyCached(p, OTHER).aud.status, 'fail');
    assert.deepEqual(evaluateTrustPolicyCached(p, OTHER), evaluateTrustPolicy(p, OTHER));
    assert.deepEqual(evaluateTrustPolicyCached(p), evaluateTrustPolicy(p));
    assert.equal(evaluateTrustPolicyCached(p, POOL).aud.status, 'pass');
  });

  it('another object with the same text is judged for itself (nothing is shared by content across objects)', () => {
    const a = fresh();
    const b = fresh();
    const va = evaluateTrustPolicyCached(a, POOL);
    const vb = evaluateTrustPolicyCached(b, POOL);
    assert.notEqual(va, vb);
    assert.equal(vb.policy, b);
    assert.deepEqual(va, evaluateTrustPolicy(a, POOL));
  });

  it('a policy given as text (as IAM returns it, URL-encoded or plain) is remembered by its text', () => {
    const text = recommendedTrustPolicy(POOL);
    for (const doc of [text, encodeURIComponent(text)]) {
      const v = evaluateTrustPolicyCached(doc, POOL);
      assert.equal(evaluateTrustPolicyCached(doc, POOL), v);
      assert.deepEqual(v, evaluateTrustPolicy(doc, POOL));
    }
  });

  it('odd values are judged each time and never throw: a cycle, undefined and NaN inside, toJSON, non-objects', () => {
    const cyclic = fresh();
    (cyclic as { self?: unknown }).self = cyclic;
    assert.deepEqual(evaluateTrustPolicyCached(cyclic, POOL), evaluateTrustPolicy(cyclic, POOL));

    const withUndefined = fresh();
    (stmt(withUndefined) as { Sid?: unknown }).Sid = undefined;
    const u1 = evaluateTrustPolicyCached(withUndefined, POOL);
    assert.deepEqual(u1, evaluateTrustPolicy(withUndefined, POOL));
    stmt(withUndefined).Condition.StringEquals[AUD] = OTHER;
    assert.equal(evaluateTrustPolicyCached(withUndefined, POOL).pinned, false);

    const withNaN = fresh();
    (withNaN as { n?: unknown }).n = Number.NaN;
    assert.equal(evaluateTrustPolicyCached(withNaN, POOL).pinned, true);
    stmt(withNaN).Condition.StringEquals[AUD] = OTHER;
    assert.equal(evaluateTrustPolicyCached(withNaN, POOL).pinned, false);

    const toJson = { ...fresh(), toJSON: () => ({}) };
    assert.deepEqual(evaluateTrustPolicyCached(toJson, POOL), evaluateTrustPolicy(toJson, POOL));

    for (const v of [null, undefined, 42, '', '{', []]) assert.deepEqual(evaluateTrustPolicyCached(v, POOL), evaluateTrustPolicy(v, POOL));
  });

  it('sts:TagSession: cached the same way, and judged again when the object changes', () => {
    const p = fresh();
    assert.equal(evaluateTagSessionCached(p, POOL).allowed, false);
    assert.equal(evaluateTagSessionCached(p, POOL), evaluateTagSessionCached(p, POOL));
    stmt(p).Action = ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'];
    const v = evaluateTagSessionCached(p, POOL);
    assert.equal(v.allowed, true);
    assert.deepEqual(v, evaluateTagSession(p, POOL));
    // The trust verdict of the changed object is fresh too.
    assert.deepEqual(evaluateTrustPolicyCached(p, POOL), evaluateTrustPolicy(p, POOL));
  });
});
