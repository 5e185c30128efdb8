/**
 * inspectToken, the one token pipeline (src/engine/token/inspect.ts) behind the inspector, the
 * CLI's inspect-token and the wizard's "Try it": against the local HTTPS tenant (its JWKS) and
 * moto (the pool). Progress comes in order, the pool is read only when asked (and only for a
 * token that decodes), and cancelling ends it with CANCELLED wherever it is.
 */
import * as assert from 'node:assert/strict';
import { CognitoIdentityClient, CreateIdentityPoolCommand } from '@aws-sdk/client-cognito-identity';
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import type { AwsConfig } from '../../../../src/engine/aws/config';
import type { AwsClients } from '../../../../src/engine/aws/sdk';
import { isEngineError } from '../../../../src/engine/errors';
import { JwksCache } from '../../../../src/engine/token/jwks';
import { inspectToken, type InspectProgress, type InspectTokenOptions } from '../../../../src/engine/token/inspect';
import { recommendedTrustPolicy } from '../../../../src/engine/aws/trustPolicy';
import type { TrustSettings } from '../../../../src/engine/trust';
import type { SentRequest } from '../../../helpers/awsCalls';
import type { Tenant } from '../../../standins/tenant';
import { useStandins } from '../../../standins/fixture';

const ruleStatus = (p: { report: { rules: Array<{ id: string; status: string }> } }, id: string) => p.report.rules.find((r) => r.id === id)?.status;

async function rejectsCancelled(p: Promise<unknown>): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isEngineError(e), `an EngineError, got ${String(e)}`);
    assert.equal(e.code, 'CANCELLED');
    return true;
  });
}

describe('inspectToken: one pipeline, local tenant + moto', function () {
  this.timeout(120_000);
  let tenant: Tenant;
  let iam: IAMClient;
  let ci: CognitoIdentityClient;
  let aws: AwsConfig;
  let trust: TrustSettings;
  let clients: AwsClients;
  /** When set, wraps each AWS request (e.g. to hold it). */
  let around: ((s: SentRequest, send: () => Promise<unknown>) => Promise<unknown>) | undefined;
  let poolId: string;
  let roleArn: string;
  const standins = useStandins({ around: () => around });
  const { sent } = standins;

  before(() => {
    ({ tenant, iam, ci, aws, trust, clients } = standins);
  });

  beforeEach(async () => {
    tenant.setJwksMode('ok');
    tenant.clearFaults();
    around = undefined;
    const { OpenIDConnectProviderArn } = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: tenant.baseUrl, ClientIDList: [tenant.app.client_id] }));
    const { IdentityPoolId } = await ci.send(new CreateIdentityPoolCommand({
      IdentityPoolName: 'auth0_pool', AllowUnauthenticatedIdentities: false, AllowClassicFlow: false, OpenIdConnectProviderARNs: [OpenIDConnectProviderArn ?? ''],
    }));
    poolId = IdentityPoolId ?? '';
    const role = await iam.send(new CreateRoleCommand({ RoleName: 'auth0-cognito-authenticated', AssumeRolePolicyDocument: recommendedTrustPolicy(poolId) }));
    roleArn = role.Role?.Arn ?? '';
    sent.length = 0;
  });

  function options(o: Partial<InspectTokenOptions> = {}): { opts: InspectTokenOptions; events: InspectProgress[] } {
    const events: InspectProgress[] = [];
    return { events, opts: { trust, timeoutMs: 5000, cache: new JwksCache(), onProgress: (p) => events.push(p), ...o } };
  }

  const withPool = () => ({ pool: { poolId, clients, authenticatedRoleArn: roleArn }, aws });

  it('token only: reports decoded, then signature checked, and reads no pool', async () => {
    const { opts, events } = options({ aws });
    const r = await inspectToken(tenant.mintIdToken({ alg: 'RS256' }), opts);
    assert.deepEqual(events.map((e) => e.stage), ['decoded', 'signature']);
    assert.equal(r.decoded.ok, true);
    assert.equal(r.signature?.status, 'valid');
    assert.equal(r.target, undefined);
    assert.deepEqual(r.notes, []);
    assert.equal(r.report.verdict, 'pass');
    // The first report knows only the token; the second has the verified signature.
    assert.notEqual(ruleStatus(events[0]!, 'token.signature'), 'pass');
    assert.equal(ruleStatus(events[1]!, 'token.signature'), 'pass');
    assert.equal(ruleStatus(r, 'provider.attached'), 'skip');
    assert.deepEqual(sent, [], 'no AWS call without a pool');
  });

  it('with a pool: decoded, signature checked, pool read, in this order; the last report is against the pool', async () => {
    const { opts, events } = options(withPool());
    const r = await inspectToken(`Bearer ${tenant.mintIdToken({ alg: 'RS256' })}`, opts);
    assert.deepEqual(events.map((e) => e.stage), ['decoded', 'signature', 'pool']);
    const last = events[2];
    assert.ok(last?.stage === 'pool');
    assert.equal(last.target.poolId, poolId);
    assert.equal(r.target?.poolId, poolId);
    assert.equal(r.report, last.report, 'the result is the last report');
    assert.equal(r.signature?.status, 'valid');
    assert.equal(ruleStatus(events[1]!, 'provider.attached'), 'skip', 'the signature report has no pool yet');
    assert.equal(ruleStatus(r, 'provider.attached'), 'pass');
    assert.equal(ruleStatus(r, 'aud.clientId'), 'pass');
    assert.equal(ruleStatus(r, 'role.trust.aud'), 'pass');
    assert.equal(r.report.verdict, 'pass', r.report.summary);
    assert.equal(r.report.expectedLoginsKey, tenant.baseUrl.replace(/^https:\/\//, '').replace(/\/+$/, ''));
    assert.ok(sent.some((s) => s.action === 'DescribeIdentityPool'), JSON.stringify(sent.map((s) => s.action)));
    assert.ok(!sent.some((s) => s.action === 'GetIdentityPoolRoles'), 'the given role is used, the pool is not asked');
  });

  it('a pool preflight reuses a signature already checked, and checks none when told not to', async () => {
    const token = tenant.mintIdToken({ alg: 'RS256' });
    const first = await inspectToken(token, options().opts);
    assert.equal(first.signature?.status, 'valid');
    const jwksBefore = tenant.countRequests('GET', '/.well-known/jwks.json');
    const reuse = options({ ...withPool(), signature: first.signature });
    const r = await inspectToken(first.decoded, reuse.opts);
    assert.deepEqual(reuse.events.map((e) => e.stage), ['decoded', 'pool']);
    assert.equal(r.signature, first.signature);
    assert.equal(ruleStatus(r, 'token.signature'), 'pass');
    const skip = options({ ...withPool(), checkSignature: false });
    const unchecked = await inspectToken(first.decoded, skip.opts);
    assert.deepEqual(skip.events.map((e) => e.stage), ['decoded', 'pool']);
    assert.equal(unchecked.signature, undefined);
    assert.equal(unchecked.report.verdict, 'cannot-confirm', unchecked.report.summary);
    assert.equal(tenant.countRequests('GET', '/.well-known/jwks.json'), jwksBefore, 'no key fetched again');
  });

  it('text that is not a token: only "decoded", no signature check and no pool read even when asked', async () => {
    const { opts, events } = options(withPool());
    const r = await inspectToken('not a token', opts);
    assert.deepEqual(events.map((e) => e.stage), ['decoded']);
    assert.equal(r.decoded.ok, false);
    assert.equal(r.signature, undefined);
    assert.equal(r.target, undefined);
    assert.equal(r.report.verdict, 'fail');
    assert.equal(ruleStatus(r, 'token.format'), 'fail');
    assert.deepEqual(sent, []);
  });

  it('a malformed pool id is INVALID_INPUT, after "decoded" and before any network', async () => {
    const { opts, events } = options({ pool: 'not-a-pool', aws });
    const jwksBefore = tenant.countRequests('GET', '/.well-known/jwks.json');
    await assert.rejects(inspectToken(tenant.mintIdToken({ alg: 'RS256' }), opts), (e: unknown) => isEngineError(e) && e.code === 'INVALID_INPUT');
    assert.deepEqual(events.map((e) => e.stage), ['decoded']);
    assert.equal(tenant.countRequests('GET', '/.well-known/jwks.json'), jwksBefore);
    assert.deepEqual(sent, []);
  });

  it('cancelled before it starts: CANCELLED, nothing reported', async () => {
    const controller = new AbortController();
    controller.abort();
    const { opts, events } = options({ ...withPool(), signal: controller.signal });
    await rejectsCancelled(inspectToken(tenant.mintIdToken({ alg: 'RS256' }), opts));
    assert.deepEqual(events, []);
    assert.deepEqual(sent, []);
  });

  it('cancelled while the issuer\'s keys hang: CANCELLED at once, no "signature" reported', async () => {
    tenant.setJwksMode('hang');
    const controller = new AbortController();
    const { opts, events } = options({ signal: controller.signal, timeoutMs: 30_000 });
    const started = Date.now();
    const p = inspectToken(tenant.mintIdToken({ alg: 'RS256' }), opts);
    setTimeout(() => controller.abort(), 300);
    await rejectsCancelled(p);
    assert.ok(Date.now() - started < 10_000, `ended in ${Date.now() - started} ms`);
    assert.deepEqual(events.map((e) => e.stage), ['decoded']);
  });

  it('cancelled while the pool is read: CANCELLED, no "pool" reported', async () => {
    const controller = new AbortController();
    // Hold DescribeIdentityPool until the cancellation (it is never sent).
    around = (s, send) => (s.action === 'DescribeIdentityPool' ? new Promise(() => controller.abort()) : send());
    const { opts, events } = options({ ...withPool(), signal: controller.signal, timeoutMs: 30_000 });
    const started = Date.now();
    await rejectsCancelled(inspectToken(tenant.mintIdToken({ alg: 'RS256' }), opts));
    assert.ok(Date.now() - started < 10_000, `ended in ${Date.now() - started} ms`);
    assert.ok(!events.some((e) => e.stage === 'pool'), JSON.stringify(events.map((e) => e.stage)));
    assert.equal(events[0]?.stage, 'decoded');
  });
});
