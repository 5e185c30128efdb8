/**
 * Attributes for access control (issue 13): the tag map's checks, the session tags predicted from
 * a token's claims with STS's limits, and the sts:TagSession check of ../aws/trustPolicy.
 */
import * as assert from 'node:assert/strict';
import {
  DEFAULT_OIDC_PRINCIPAL_TAGS,
  predictSessionTags,
  principalTagProblems,
  samePrincipalTags,
  tagsMapped,
  toAwsPrincipalTags,
  validatePrincipalTags,
} from '../../../../src/engine/aws/principalTags';
import {
  evaluateTagSession,
  evaluateTrustPolicy,
  recommendedTrustPolicy,
  recommendedTrustPolicyWithTags,
  trustPolicyWithTagSession,
} from '../../../../src/engine/aws/trustPolicy';

const POOL = 'us-east-1:11111111-2222-3333-4444-555555555555';
const OTHER = 'us-east-1:99999999-8888-7777-6666-555555555555';
const claims = { aud: 'client-1', sub: 'auth0|abc', tenant: 'acme', level: 3, groups: ['a', 'b'], long: 'x'.repeat(257) };

describe('principal tags: the map', () => {
  it('defaults for an OIDC provider: client <- aud, username <- sub', () => {
    const p = predictSessionTags(claims, { useDefaults: true });
    assert.deepEqual(p.tags, [{ key: 'client', value: 'client-1', claim: 'aud' }, { key: 'username', value: 'auth0|abc', claim: 'sub' }]);
    assert.deepEqual(DEFAULT_OIDC_PRINCIPAL_TAGS, { client: 'aud', username: 'sub' });
    assert.ok(p.notes.length > 0, 'says the key names are a reading of the docs');
  });

  it('a custom map: text values become tags, a missing claim sets nothing', () => {
    const p = predictSessionTags(claims, { useDefaults: false, map: { tenant: 'tenant', team: 'https://example.com/team' } });
    assert.deepEqual(p.tags, [{ key: 'tenant', value: 'acme', claim: 'tenant' }]);
    assert.deepEqual(p.missing, [{ key: 'team', claim: 'https://example.com/team' }]);
    assert.deepEqual(p.problems, []);
  });

  it('numbers become their text (noted); lists and over-long values are problems', () => {
    const p = predictSessionTags(claims, { useDefaults: false, map: { level: 'level', groups: 'groups', long: 'long' } });
    assert.deepEqual(p.tags, [{ key: 'level', value: '3', claim: 'level' }]);
    assert.ok(p.notes.some((n) => /level is a number/.test(n)));
    assert.deepEqual(p.problems.map((x) => x.key), ['groups', 'long']);
    assert.match(p.problems[0]?.message ?? '', /multivalued session tags are not supported/);
    assert.match(p.problems[1]?.message ?? '', /257 characters; a session tag value is at most 256/);
  });

  it('no map: no tags, no TagSession needed', () => {
    assert.deepEqual(predictSessionTags(claims, undefined).tags, []);
    assert.equal(tagsMapped(undefined), false);
    assert.equal(tagsMapped({ useDefaults: true }), true);
    assert.equal(tagsMapped({ useDefaults: false, map: {} }), false);
  });

  it('the API shape, and equality as Cognito applies it', () => {
    assert.deepEqual(toAwsPrincipalTags({ useDefaults: false, map: { a: 'b' } }), { UseDefaults: false, PrincipalTags: { a: 'b' } });
    assert.deepEqual(toAwsPrincipalTags({ useDefaults: true }), { UseDefaults: true, PrincipalTags: {} });
    assert.ok(samePrincipalTags({ useDefaults: false, map: { a: 'x', b: 'y' } }, { useDefaults: false, map: { b: 'y', a: 'x' } }));
    assert.ok(!samePrincipalTags({ useDefaults: true }, undefined));
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['not an object', true, /must be an object/],
    ['useDefaults missing', { map: { a: 'b' } }, /useDefaults must be true or false/],
    ['no map without defaults', { useDefaults: false }, /map is missing/],
    ['both defaults and a map', { useDefaults: true, map: { a: 'b' } }, /both useDefaults and a map/],
    ['an aws: key', { useDefaults: false, map: { 'aws:foo': 'sub' } }, /must not start with "aws:"/],
    ['a 129-character key', { useDefaults: false, map: { ['k'.repeat(129)]: 'sub' } }, /1 to 128 characters/],
    ['keys differing only in case', { useDefaults: false, map: { Tenant: 'a', tenant: 'b' } }, /differ only in case/],
    ['51 tags', { useDefaults: false, map: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`t${i}`, 'sub'])) }, /51 tags; at most 50/],
    ['an empty claim', { useDefaults: false, map: { t: '' } }, /claim name of 1 to 256/],
  ];
  for (const [name, input, re] of bad) {
    it(`rejects ${name}`, () => {
      const problems = principalTagProblems(input);
      assert.ok(problems.some((p) => re.test(p.message)), JSON.stringify(problems));
      assert.throws(() => validatePrincipalTags(input));
    });
  }
});

describe('trust policy: sts:TagSession (trustPolicy.ts)', () => {
  it('the recommended policy does not allow it; the one with tags does, and stays pinned', () => {
    assert.equal(evaluateTagSession(recommendedTrustPolicy(POOL), POOL).allowed, false);
    const withTags = recommendedTrustPolicyWithTags(POOL);
    assert.equal(evaluateTagSession(withTags, POOL).allowed, true);
    assert.equal(evaluateTrustPolicy(withTags, POOL).pinned, true);
  });

  it('adding sts:TagSession keeps the statement and its conditions', () => {
    const added = trustPolicyWithTagSession(encodeURIComponent(recommendedTrustPolicy(POOL)));
    assert.ok(added);
    assert.deepEqual(JSON.parse(added), JSON.parse(recommendedTrustPolicyWithTags(POOL)));
    assert.equal(trustPolicyWithTagSession(recommendedTrustPolicyWithTags(POOL)), undefined, 'nothing to add');
  });

  it('a TagSession statement for another pool, or a Deny, does not count', () => {
    const other = JSON.parse(recommendedTrustPolicyWithTags(OTHER));
    assert.equal(evaluateTagSession(other, POOL).allowed, false);
    const deny = JSON.parse(recommendedTrustPolicyWithTags(POOL)) as { Statement: unknown[] };
    deny.Statement.push({ Effect: 'Deny', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:TagSession' });
    const v = evaluateTagSession(deny, POOL);
    assert.equal(v.allowed, false);
    assert.match(v.message, /Statement 2 \(no Sid\) denies sts:TagSession/);
    assert.equal(evaluateTagSession('not json', POOL).allowed, false);
  });

  it('sts:* covers it', () => {
    const p = JSON.parse(recommendedTrustPolicy(POOL)) as { Statement: Array<Record<string, unknown>> };
    (p.Statement[0] as Record<string, unknown>).Action = 'sts:*';
    assert.equal(evaluateTagSession(p, POOL).allowed, true);
  });
});
