/** The trust-policy summary of the resources tree (src/engine/resources/trust.ts). */
import * as assert from 'node:assert/strict';
import { analyzeCognitoTrust } from '../../../../src/engine/resources/trust';

const POOL = 'us-east-1:0123abcd-0000-1111-2222-333344445555';

function policy(statements: unknown[]): string {
  return encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: statements }));
}

describe('resources: trust analysis', () => {
  const cognito = (condition?: unknown, extra: Record<string, unknown> = {}) => ({
    Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity', ...(condition ? { Condition: condition } : {}), ...extra,
  });

  it('passes the recommended policy and names the pool and amr', () => {
    const t = analyzeCognitoTrust(policy([cognito({ StringEquals: { 'cognito-identity.amazonaws.com:aud': POOL }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } })]));
    assert.deepEqual(t?.warnings, []);
    assert.equal(t?.summary, `pool ${POOL} · authenticated identities`);
  });

  it('warns without aud, with a wildcard aud, and without amr; keys are case-insensitive, IfExists counts', () => {
    const noAud = analyzeCognitoTrust(policy([cognito({ 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } })]));
    assert.deepEqual(noAud?.warnings.map((w) => w.kind), ['noAud']);
    const wild = analyzeCognitoTrust(policy([cognito({ StringLike: { 'cognito-identity.amazonaws.com:aud': '*', 'cognito-identity.amazonaws.com:amr': 'authenticated' } })]));
    assert.deepEqual(wild?.warnings.map((w) => w.kind), ['audWildcard']);
    const none = analyzeCognitoTrust(policy([cognito()]));
    assert.deepEqual(none?.warnings.map((w) => w.kind), ['noAud', 'noAmr']);
    const cased = analyzeCognitoTrust(policy([cognito({ StringEquals: { 'Cognito-Identity.amazonaws.com:AUD': POOL }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'unauthenticated' } })]));
    assert.deepEqual(cased?.warnings, []);
    assert.equal(cased?.summary, `pool ${POOL} · unauthenticated identities`);
    // IfExists holds when the key is absent, a StringLike wildcard matches other pools: not a pin (trustPolicy.ts).
    const ifExists = analyzeCognitoTrust(policy([cognito({ StringEqualsIfExists: { 'cognito-identity.amazonaws.com:aud': POOL }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } })]));
    assert.deepEqual(ifExists?.warnings.map((w) => w.kind), ['audWildcard']);
    const region = analyzeCognitoTrust(policy([cognito({ StringLike: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:*' }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } })]));
    assert.match(region?.warnings[0]?.message ?? '', /Statement 1 \(no Sid\).*any identity pool whose id matches "us-east-1:\*"/);
    const forAll = analyzeCognitoTrust(policy([cognito({ StringEquals: { 'cognito-identity.amazonaws.com:aud': POOL }, 'ForAllValues:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } })]));
    assert.deepEqual(forAll?.warnings.map((w) => w.kind), ['noAmr']);
  });

  it('a negative operator is no restriction; one loose statement of two is flagged', () => {
    const neg = analyzeCognitoTrust(policy([cognito({ StringNotEquals: { 'cognito-identity.amazonaws.com:aud': POOL }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } })]));
    assert.deepEqual(neg?.warnings.map((w) => w.kind), ['noAud']);
    const two = analyzeCognitoTrust(policy([
      cognito({ StringEquals: { 'cognito-identity.amazonaws.com:aud': POOL }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } }),
      cognito({ 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } }),
    ]));
    assert.match(two?.warnings[0]?.message ?? '', /No aud condition in Statement 2 \(no Sid\)/);
  });

  it('ignores roles that do not trust Cognito (services, Deny, other OIDC providers); lists Principal "*" with a warning', () => {
    assert.equal(analyzeCognitoTrust(policy([{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }])), undefined);
    assert.equal(analyzeCognitoTrust(policy([{ ...cognito(), Effect: 'Deny' }])), undefined);
    assert.equal(analyzeCognitoTrust(policy([{ ...cognito(), Principal: { Federated: 'arn:aws:iam::1:oidc-provider/x' } }])), undefined);
    // Principal "*" lets cognito-identity.amazonaws.com in too (with anyone else): IAM evaluates it.
    assert.deepEqual(analyzeCognitoTrust(policy([{ ...cognito(), Principal: '*' }]))?.warnings.map((w) => w.kind), ['noAud', 'noAmr']);
    assert.equal(analyzeCognitoTrust(policy([{ ...cognito(), Principal: '*', Action: 'sts:AssumeRole' }])), undefined);
    assert.ok(analyzeCognitoTrust(policy([{ ...cognito(), Principal: { Federated: ['accounts.google.com', 'cognito-identity.amazonaws.com'] } }])));
  });

  it('keeps an unreadable policy that mentions cognito-identity, with a warning', () => {
    const t = analyzeCognitoTrust('%7B%22cognito-identity.amazonaws.com%22 not json');
    assert.deepEqual(t?.warnings.map((w) => w.kind), ['notParsed']);
    assert.equal(analyzeCognitoTrust('not json at all'), undefined);
  });
});
