/**
 * Token inspector + preflight end to end: ID tokens minted by the local Auth0-like tenant
 * (real HTTPS, its own root CA trusted through the engine's extra-CA setting), signature
 * checks against its JWKS through discovery, and an identity pool / OIDC provider / role set
 * up in moto and read back with readPoolTarget. Then a real GetId + GetCredentialsForIdentity.
 *
 * moto checks no token (see the top of test/standins/moto.ts): the verdicts here are the
 * preflight's own; the exchange only proves the reading and the wiring.
 *
 * Tests whose title ends with "[moto_plus]" need the actions test/standins/moto_plus.py adds
 * to moto (GetIdentityPoolRoles / SetIdentityPoolRoles, AddClientIDToOpenIDConnectProvider,
 * ResourceNotFoundException for unknown pools). Everything else passes the role ARN
 * explicitly (authenticatedRoleArn), as the wizard does, and runs on plain moto too.
 */
import * as assert from 'node:assert/strict';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  AddClientIDToOpenIDConnectProviderCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import {
  CognitoIdentityClient,
  CreateIdentityPoolCommand,
  SetIdentityPoolRolesCommand,
  UpdateIdentityPoolCommand,
} from '@aws-sdk/client-cognito-identity';
import type { AwsConfig } from '../../../../src/engine/aws/config';
import { EngineError } from '../../../../src/engine/errors';
import { JwksCache, verifySignature, type SignatureResult, type VerifyOptions } from '../../../../src/engine/token/jwks';
import { runPreflight, type PreflightReport, type RuleId, type RuleStatus } from '../../../../src/engine/token/preflight';
import { exchangeToken } from '../../../../src/engine/aws/exchange';
import { readPoolTarget, type ReadTargetOptions } from '../../../../src/engine/aws/readPool';
import { recommendedTrustPolicy } from '../../../../src/engine/aws/trustPolicy';
import { decodeToken } from '../../../../src/engine/token/decode';
import type { TrustSettings } from '../../../../src/engine/trust';
import { MOTO_ACCOUNT_ID } from '../../../standins/moto';
import type { Tenant } from '../../../standins/tenant';
import { useStandins } from '../../../standins/fixture';

interface World {
  providerArn: string;
  poolId: string;
  roleArn: string;
  loginsKey: string;
}

interface WorldOptions {
  /** Provider URL (default https://localhost:PORT). */
  providerUrl?: string;
  clientIds?: string[];
  /** Attach the provider to the pool (default true). */
  attach?: boolean;
  /** Trust policy JSON text (default: the recommended one for the pool). */
  trust?: (poolId: string) => string;
  allowUnauthenticated?: boolean;
  /** Also SetIdentityPoolRoles (needs moto_plus). */
  setRoles?: boolean;
}

function trustWithout(poolId: string, drop: 'aud' | 'amr'): string {
  const p = JSON.parse(recommendedTrustPolicy(poolId)) as { Statement: Array<{ Condition: Record<string, unknown> }> };
  const st = p.Statement[0]!;
  if (drop === 'aud') delete st.Condition.StringEquals;
  else delete st.Condition['ForAnyValue:StringLike'];
  return JSON.stringify(p);
}

describe('preflight end to end: local tenant + moto', function () {
  this.timeout(120_000);
  let tenant: Tenant;
  let iam: IAMClient;
  let ci: CognitoIdentityClient;
  let aws: AwsConfig;
  let trust: TrustSettings;
  let clientId: string;
  let roleCounter = 0;
  const standins = useStandins();

  before(() => {
    ({ tenant, iam, ci, aws, trust } = standins);
    clientId = tenant.app.client_id;
  });

  beforeEach(() => {
    tenant.setJwksMode('ok');
    tenant.clearFaults();
  });

  async function world(o: WorldOptions = {}): Promise<World> {
    const url = o.providerUrl ?? tenant.baseUrl;
    const { OpenIDConnectProviderArn } = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: url, ClientIDList: o.clientIds ?? [clientId] }));
    const providerArn = OpenIDConnectProviderArn ?? '';
    const { IdentityPoolId } = await ci.send(new CreateIdentityPoolCommand({
      IdentityPoolName: 'auth0_pool',
      AllowUnauthenticatedIdentities: o.allowUnauthenticated ?? false,
      AllowClassicFlow: false,
      OpenIdConnectProviderARNs: o.attach === false ? [] : [providerArn],
    }));
    const poolId = IdentityPoolId ?? '';
    const role = await iam.send(new CreateRoleCommand({
      RoleName: `auth0-cognito-authenticated-${++roleCounter}`,
      AssumeRolePolicyDocument: (o.trust ?? recommendedTrustPolicy)(poolId),
    }));
    const roleArn = role.Role?.Arn ?? '';
    if (o.setRoles) await ci.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, Roles: { authenticated: roleArn } }));
    return { providerArn, poolId, roleArn, loginsKey: url.replace(/^https:\/\//, '').replace(/\/+$/, '') };
  }

  interface Check {
    report: PreflightReport;
    signature: SignatureResult;
    status: Partial<Record<RuleId, RuleStatus>>;
    notes: string[];
  }

  /** decode -> verify against the tenant's JWKS -> read the pool from moto -> run the rules. */
  async function check(token: string, w: World, read: Partial<ReadTargetOptions> = {}, verify: Partial<VerifyOptions> = {}): Promise<Check> {
    const decoded = decodeToken(token);
    const iss = decoded.ok && typeof decoded.claims.iss === 'string' ? decoded.claims.iss : undefined;
    const [signature, { target, notes }] = await Promise.all([
      verifySignature(decoded, { trust, cache: new JwksCache(), timeoutMs: 5000, ...verify }),
      readPoolTarget({ aws, poolId: w.poolId, issuer: iss, authenticatedRoleArn: w.roleArn, ...read }),
    ]);
    const report = runPreflight({ token: decoded, signature, target });
    const status = Object.fromEntries(report.rules.map((r) => [r.id, r.status])) as Partial<Record<RuleId, RuleStatus>>;
    return { report, signature, status, notes };
  }

  function failures(c: Check): string[] {
    return c.report.rules.filter((r) => r.status === 'fail').map((r) => r.id);
  }

  function rule(c: Check, id: RuleId) {
    const r = c.report.rules.find((x) => x.id === id);
    assert.ok(r, id);
    return r;
  }

  // ---- the table ---------------------------------------------------------------------------

  interface Row {
    name: string;
    token: (t: Tenant) => string;
    world?: WorldOptions;
    read?: (w: World) => Partial<ReadTargetOptions>;
    before?: () => void;
    verify?: Partial<VerifyOptions>;
    fails: RuleId[];
    expect?: Partial<Record<RuleId, RuleStatus>>;
    predicted?: string | RegExp;
    signature?: SignatureResult['status'];
    /** Failing rules that are security findings (Cognito would accept: no AWS error). */
    security?: RuleId[];
    /** Default: 'fail' when a rule fails, else 'pass'. */
    verdict?: PreflightReport['verdict'];
  }

  const rows: Row[] = [
    {
      name: 'RS256 ID token, everything set up right',
      token: (t) => t.mintIdToken({ alg: 'RS256' }),
      fails: [],
      expect: { 'token.signature': 'pass', 'iss.provider': 'pass', 'aud.clientId': 'pass', 'role.trust.aud': 'pass', 'role.trust.amr': 'pass', 'token.exp': 'pass' },
      signature: 'valid',
    },
    {
      name: 'HS256 ID token (the Auth0 default for new apps)',
      token: (t) => t.mintIdToken({ alg: 'HS256' }),
      fails: ['token.alg'],
      expect: { 'token.signature': 'skip' },
      predicted: "Invalid login token. Couldn't verify signed token.",
      signature: 'unsupported-alg',
    },
    {
      name: 'expired an hour ago',
      token: (t) => t.mintIdToken({ alg: 'RS256', issuedAt: Math.floor(Date.now() / 1000) - 7200, expiresIn: 3600 }),
      fails: ['token.exp'],
      predicted: /^Invalid login token\. Token expired: \d+ >= \d+$/,
      signature: 'valid',
    },
    {
      name: 'expired 2 minutes ago (within the 5-minute skew)',
      token: (t) => t.mintIdToken({ alg: 'RS256', issuedAt: Math.floor(Date.now() / 1000) - 3720, expiresIn: 3600 }),
      fails: [],
      expect: { 'token.exp': 'warn' },
    },
    {
      name: 'wrong aud',
      token: (t) => t.mintIdToken({ alg: 'RS256', claims: { aud: 'SomeOtherApplicationClientId0000' } }),
      fails: ['aud.clientId'],
      predicted: 'Token is not from a supported provider of this identity pool.',
    },
    {
      name: 'azp present and matching (aud is another client)',
      token: (t) => t.mintIdToken({ alg: 'RS256', claims: { aud: 'SomeOtherApplicationClientId0000', azp: t.app.client_id } }),
      fails: [],
      expect: { 'aud.clientId': 'pass' },
    },
    {
      name: 'azp present and not matching (aud matches)',
      token: (t) => t.mintIdToken({ alg: 'RS256', claims: { azp: 'SomeOtherApplicationClientId0000' } }),
      fails: ['aud.clientId'],
    },
    {
      name: 'iss with trailing slash (Auth0) vs provider URL without',
      token: (t) => t.mintIdToken({ alg: 'RS256' }),
      fails: [],
      expect: { 'iss.provider': 'pass', 'logins.key': 'pass' },
    },
    {
      name: 'iss without trailing slash vs provider URL without',
      token: (t) => t.mintIdToken({ alg: 'RS256', claims: { iss: t.baseUrl } }),
      fails: [],
      // The tenant's discovery document names https://HOST/ (with the slash, as Auth0's does):
      // it does not vouch for an iss without it, so the signature stays unverified.
      expect: { 'iss.provider': 'pass', 'token.signature': 'warn' },
      signature: 'jwks-unreachable',
      verdict: 'cannot-confirm',
    },
    {
      name: 'provider URL created with a trailing slash',
      token: (t) => t.mintIdToken({ alg: 'RS256' }),
      world: { providerUrl: 'TENANT/' },
      fails: ['iss.provider'],
      predicted: "Invalid login token. Issuer doesn't match providerName",
    },
    {
      name: 'Logins key with https:// and a trailing slash',
      token: (t) => t.mintIdToken({ alg: 'RS256' }),
      read: (w) => ({ loginsKey: `https://${w.loginsKey}/` }),
      fails: ['logins.key'],
      predicted: "Invalid login token. Issuer doesn't match providerName",
    },
    {
      name: 'access token instead of the ID token',
      token: (t) => t.mintAccessToken({ clientId: t.app.client_id, audience: ['https://api.example.com', `${t.issuer}userinfo`], scopes: ['openid', 'profile'], claims: { gty: undefined } }),
      fails: ['token.kind'],
      expect: { 'aud.clientId': 'pass' }, // azp is the app: Cognito's audience check alone would not catch it
      predicted: 'Invalid login token. Missing a required claim: aud',
      signature: 'valid',
    },
    {
      name: 'alg none',
      token: (t) => t.mintIdToken({ alg: 'none' }),
      fails: ['token.alg'],
      expect: { 'token.signature': 'skip' },
      signature: 'unsupported-alg',
    },
    {
      name: 'unknown kid',
      token: (t) => t.mintIdToken({ alg: 'RS256', header: { kid: 'a-key-this-tenant-never-published' } }),
      fails: ['token.signature'],
      predicted: "Invalid login token. Couldn't verify signed token.",
      signature: 'key-not-found',
    },
    {
      name: 'signed with a key that is not in the JWKS (same kid)',
      token: (t) => t.mintIdToken({ alg: 'RS256', key: 'foreign' }),
      fails: ['token.signature'],
      signature: 'invalid',
    },
    {
      name: 'JWKS unreachable (HTTP 500)',
      token: (t) => t.mintIdToken({ alg: 'RS256' }),
      before: () => tenant.setJwksMode('error'),
      fails: [],
      expect: { 'token.signature': 'warn' },
      signature: 'jwks-unreachable',
      verdict: 'cannot-confirm',
    },
    {
      name: 'JWKS hangs (timeout)',
      token: (t) => t.mintIdToken({ alg: 'RS256' }),
      before: () => tenant.setJwksMode('hang'),
      verify: { timeoutMs: 1000 },
      fails: [],
      expect: { 'token.signature': 'warn' },
      signature: 'jwks-unreachable',
      verdict: 'cannot-confirm',
    },
    {
      name: 'JWKS empty',
      token: (t) => t.mintIdToken({ alg: 'RS256' }),
      before: () => tenant.setJwksMode('empty'),
      fails: ['token.signature'],
      signature: 'key-not-found',
    },
    {
      name: 'garbage',
      token: () => 'this is not a token at all',
      fails: ['token.format'],
      expect: { 'pool.unauthenticated': 'pass', 'role.trust.aud': 'pass', 'token.exp': 'skip' },
      predicted: 'Invalid login token. Not a valid OpenId Connect identity token.',
      signature: 'not-checked',
    },
    {
      name: 'truncated in the payload',
      token: (t) => t.mintIdToken({ alg: 'RS256' }).split('.').slice(0, 2).join('.').slice(0, 120),
      fails: ['token.format'],
      signature: 'not-checked',
    },
    {
      name: 'truncated in the signature',
      token: (t) => t.mintIdToken({ alg: 'RS256' }).slice(0, -4),
      fails: ['token.signature'],
      signature: 'invalid',
    },
    {
      name: 'a 60 KB token (valid signature, too long for Logins)',
      token: (t) => t.mintIdToken({ alg: 'RS256', claims: { 'https://example.com/groups': Array.from({ length: 4000 }, (_, i) => `group-${i}`) } }),
      fails: ['token.length'],
      predicted: /Member must have length less than or equal to 50000/,
      signature: 'valid',
    },
    {
      name: 'pool without the provider (the provider exists in IAM)',
      token: (t) => t.mintIdToken({ alg: 'RS256' }),
      world: { attach: false },
      fails: ['provider.attached'],
      predicted: 'Token is not from a supported provider of this identity pool.',
    },
    {
      name: 'pool and account without any provider for the issuer (custom domain)',
      token: (t) => t.mintIdToken({ alg: 'RS256', claims: { iss: 'https://login.example.invalid/' } }),
      fails: ['iss.provider'],
      signature: 'jwks-unreachable',
    },
    {
      name: 'role trust without the aud condition',
      token: (t) => t.mintIdToken({ alg: 'RS256' }),
      world: { trust: (p) => trustWithout(p, 'aud') },
      fails: ['role.trust.aud'],
      security: ['role.trust.aud'],
      expect: { 'role.trust.aud': 'fail', 'role.trust.amr': 'pass' },
    },
    {
      name: 'role trust for another pool',
      token: (t) => t.mintIdToken({ alg: 'RS256' }),
      world: { trust: () => recommendedTrustPolicy('us-east-1:00000000-1111-2222-3333-444444444444') },
      fails: ['role.trust.aud'],
      predicted: 'Invalid identity pool configuration. Check assigned IAM roles for this pool.',
    },
    {
      name: 'role trust without amr, guests allowed',
      token: (t) => t.mintIdToken({ alg: 'RS256' }),
      world: { trust: (p) => trustWithout(p, 'amr'), allowUnauthenticated: true },
      fails: ['role.trust.amr'],
      security: ['role.trust.amr'],
      expect: { 'role.trust.amr': 'fail', 'pool.unauthenticated': 'warn' },
    },
    {
      name: 'the authenticated role does not exist',
      token: (t) => t.mintIdToken({ alg: 'RS256' }),
      read: () => ({ authenticatedRoleArn: `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/deleted-role` }),
      fails: ['role.attached'],
      expect: { 'role.trust.principal': 'skip' },
    },
  ];

  for (const row of rows) {
    it(`${row.fails.length ? `fails ${row.fails.join(', ')}` : 'passes'}: ${row.name}`, async () => {
      const opts = { ...row.world };
      if (opts.providerUrl === 'TENANT/') opts.providerUrl = `${tenant.baseUrl}/`;
      const w = await world(opts);
      row.before?.();
      const c = await check(row.token(tenant), w, row.read?.(w) ?? {}, row.verify ?? {});
      assert.deepEqual(failures(c), row.fails, c.report.summary);
      const verdict = row.verdict ?? (row.fails.length ? 'fail' : 'pass');
      assert.equal(c.report.verdict, verdict, c.report.summary);
      assert.equal(c.report.ok, verdict === 'pass');
      for (const [id, st] of Object.entries(row.expect ?? {})) assert.equal(c.status[id as RuleId], st, `${id}: ${rule(c, id as RuleId).message}`);
      if (row.signature) assert.equal(c.signature.status, row.signature, c.signature.message);
      if (row.predicted !== undefined) {
        if (typeof row.predicted === 'string') assert.equal(c.report.predictedError, row.predicted);
        else assert.match(c.report.predictedError ?? '', row.predicted);
      }
      for (const id of row.fails) {
        const r = rule(c, id);
        if (row.security?.includes(id)) assert.equal(r.awsError, undefined, `${id} is a security finding: Cognito would accept`);
        else assert.ok(r.awsError, `${id} names the AWS error`);
        assert.ok((r.hint ?? '').length > 20, `${id} says how to fix it`);
      }
    });
  }

  // ---- details the table does not show ----------------------------------------------------

  it('offers the fixes the extension can apply, and after applying them the preflight passes', async () => {
    const w = await world({ attach: false });
    const token = tenant.mintIdToken({ alg: 'RS256' });
    const before = await check(token, w);
    assert.deepEqual(rule(before, 'provider.attached').fix, { kind: 'attachProviderToPool', poolId: w.poolId, providerArn: w.providerArn });
    assert.match(before.notes.join(' '), /^$/, 'nothing unreadable');
    // Apply it the way the extension will (UpdateIdentityPool with the ARN added).
    await ci.send(new UpdateIdentityPoolCommand({ IdentityPoolId: w.poolId, IdentityPoolName: 'auth0_pool', AllowUnauthenticatedIdentities: false, OpenIdConnectProviderARNs: [w.providerArn] }));
    const after = await check(token, w);
    assert.equal(after.report.ok, true, after.report.summary);
  });

  it('HS256: the fix is to switch the Auth0 application to RS256', async () => {
    const w = await world();
    const c = await check(tenant.mintIdToken({ alg: 'HS256' }), w);
    assert.deepEqual(rule(c, 'token.alg').fix, { kind: 'switchAppToRS256', clientId });
    assert.match(c.signature.message, /HS256 .* cannot be checked against the public JWKS/);
  });

  it('Logins key: the fix names the expected key, and the key derived from the provider is localhost:PORT', async () => {
    const w = await world();
    const c = await check(tenant.mintIdToken({ alg: 'RS256' }), w, { loginsKey: `https://${w.loginsKey}` });
    assert.deepEqual(rule(c, 'logins.key').fix, { kind: 'fixLoginsKey', expected: tenant.domain, current: `https://${tenant.domain}` });
    assert.equal(c.report.expectedLoginsKey, tenant.domain);
  });

  it('reads the pool, its provider (URL without https://, client IDs, thumbprints) and the role trust (URL-decoded)', async () => {
    const w = await world();
    const { target, notes } = await readPoolTarget({ aws, poolId: w.poolId, authenticatedRoleArn: w.roleArn, loginsKey: w.loginsKey });
    assert.deepEqual(notes, []);
    assert.equal(target.poolId, w.poolId);
    assert.equal(target.region, 'us-east-1');
    assert.equal(target.poolName, 'auth0_pool');
    assert.equal(target.allowUnauthenticated, false);
    assert.deepEqual(target.openIdConnectProviderArns, [w.providerArn]);
    assert.deepEqual(target.providers, [{ arn: w.providerArn, url: tenant.domain, clientIds: [clientId], thumbprints: [] }]);
    assert.equal(target.authenticatedRole?.arn, w.roleArn);
    assert.deepEqual(target.authenticatedRole?.trustPolicy, JSON.parse(recommendedTrustPolicy(w.poolId)));
    assert.equal(target.loginsKey, w.loginsKey);
  });

  it('an unknown or malformed pool id is a clear error', async () => {
    await assert.rejects(readPoolTarget({ aws, poolId: 'eu-west-1_AbCdEf' }), (e: unknown) => {
      assert.ok(e instanceof EngineError);
      assert.equal(e.code, 'INVALID_INPUT');
      assert.match(e.message, /is not an identity pool id/);
      return true;
    });
  });

  it('the real exchange: GetId + GetCredentialsForIdentity, credentials masked', async () => {
    const w = await world();
    const token = tenant.mintIdToken({ alg: 'RS256' });
    const c = await check(token, w);
    assert.equal(c.report.ok, true, c.report.summary);
    const r = await exchangeToken({ aws, poolId: w.poolId, loginsKey: c.report.expectedLoginsKey ?? '', token });
    assert.ok(r.ok, JSON.stringify(r));
    assert.match(r.identityId, /^us-east-1:[0-9a-f-]{36}$/);
    assert.equal(r.accessKeyIdMasked, 'TEST…2345');
    assert.equal(r.hasSessionToken, true);
    assert.ok(r.expiration && Date.parse(r.expiration) > Date.now(), r.expiration);
    const text = JSON.stringify(r);
    for (const secret of ['TESTACCESSKEY12345', 'ABCSECRETKEY', 'ABC12345']) assert.ok(!text.includes(secret), `no ${secret} in the result`);
  });

  describe('the JWKS cache', () => {
    it('fetches an issuer\'s keys once, then serves them from the cache', async () => {
      const cache = new JwksCache();
      tenant.resetLog();
      const token = tenant.mintIdToken({ alg: 'RS256' });
      const first = await verifySignature(token, { trust, cache });
      const second = await verifySignature(token, { trust, cache });
      assert.equal(first.status, 'valid');
      assert.equal(first.fromCache, false);
      assert.equal(second.fromCache, true);
      assert.equal(tenant.countRequests('GET', '/.well-known/jwks.json'), 1);
      assert.equal(tenant.countRequests('GET', '/.well-known/openid-configuration'), 1);
      assert.equal(cache.peek(tenant.issuer)?.jwksUri, `${tenant.baseUrl}/.well-known/jwks.json`);
    });

    it('concurrent verifications share one fetch', async () => {
      const cache = new JwksCache();
      tenant.resetLog();
      const token = tenant.mintIdToken({ alg: 'RS256' });
      const results = await Promise.all(Array.from({ length: 10 }, () => verifySignature(token, { trust, cache })));
      assert.ok(results.every((r) => r.status === 'valid'));
      assert.equal(tenant.countRequests('GET', '/.well-known/jwks.json'), 1);
    });

    it('an unknown kid refreshes the keys (key rotation), at most once per interval', async () => {
      let clock = Date.now();
      const cache = new JwksCache({ now: () => clock, refreshIntervalMs: 30_000 });
      assert.equal((await verifySignature(tenant.mintIdToken({ alg: 'RS256' }), { trust, cache })).status, 'valid');
      const rotated = await tenant.rotateSigningKey();
      clock += 5_000;
      tenant.resetLog();
      const fresh = await verifySignature(tenant.mintIdToken({ alg: 'RS256', key: rotated.kid }), { trust, cache });
      assert.equal(fresh.status, 'valid', fresh.message);
      assert.equal(fresh.refreshed, true);
      assert.equal(tenant.countRequests('GET', '/.well-known/jwks.json'), 1);
      // Garbage kids cannot make us hammer the tenant.
      clock += 1_000;
      for (let i = 0; i < 5; i++) {
        const r = await verifySignature(tenant.mintIdToken({ alg: 'RS256', header: { kid: `nope-${i}` } }), { trust, cache });
        assert.equal(r.status, 'key-not-found');
        assert.equal(r.refreshed, false);
      }
      assert.equal(tenant.countRequests('GET', '/.well-known/jwks.json'), 1);
      clock += 31_000;
      const later = await verifySignature(tenant.mintIdToken({ alg: 'RS256', header: { kid: 'nope-later' } }), { trust, cache });
      assert.equal(later.refreshed, true);
      assert.equal(tenant.countRequests('GET', '/.well-known/jwks.json'), 2);
    });

    it('entries expire after 10 minutes by default; a failed fetch is not cached', async () => {
      let clock = Date.now();
      const cache = new JwksCache({ now: () => clock });
      tenant.resetLog();
      const token = tenant.mintIdToken({ alg: 'RS256' });
      await verifySignature(token, { trust, cache });
      clock += 9 * 60_000;
      assert.equal((await verifySignature(token, { trust, cache })).fromCache, true);
      clock += 2 * 60_000;
      tenant.setJwksMode('error');
      const down = await verifySignature(token, { trust, cache });
      assert.equal(down.status, 'jwks-unreachable');
      assert.match(down.message, /could not be read: The JWKS .* answered HTTP 500/);
      tenant.setJwksMode('ok');
      const back = await verifySignature(token, { trust, cache });
      assert.equal(back.status, 'valid');
      assert.equal(back.fromCache, false);
      assert.equal(tenant.countRequests('GET', '/.well-known/jwks.json'), 3);
    });

    it('honours Cache-Control max-age within bounds (1 min .. 24 h)', async () => {
      // A second issuer on the tenant's certificate that sends Cache-Control.
      let maxAge = 'max-age=7200';
      const srv = https.createServer({ key: tenant.certs.leafKeyPem, cert: tenant.certs.chainPem }, (req, res) => {
        const base = `https://localhost:${(srv.address() as AddressInfo).port}`;
        if (req.url === '/.well-known/openid-configuration') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ issuer: `${base}/`, jwks_uri: `${base}/jwks` }));
        } else {
          res.writeHead(200, { 'content-type': 'application/json', 'cache-control': `public, ${maxAge}` });
          res.end(JSON.stringify({ keys: tenant.signingKeys.map((k) => k.jwk) }));
        }
      });
      await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
      try {
        const issuer = `https://localhost:${(srv.address() as AddressInfo).port}/`;
        let clock = 1_000_000;
        const cache = new JwksCache({ now: () => clock });
        await cache.get(issuer, { trust });
        assert.equal(cache.peek(issuer)?.expiresAt, clock + 7_200_000);
        cache.clear();
        maxAge = 'max-age=5';
        await cache.get(issuer, { trust });
        assert.equal(cache.peek(issuer)?.expiresAt, clock + 60_000, 'raised to the 1-minute floor');
        cache.clear();
        maxAge = 'max-age=9999999';
        await cache.get(issuer, { trust });
        assert.equal(cache.peek(issuer)?.expiresAt, clock + 24 * 3_600_000, 'capped at 24 h');
        clock += 24 * 3_600_000;
        assert.equal(cache.peek(issuer), undefined, 'expired');
      } finally {
        await new Promise<void>((r) => srv.close(() => r()));
        srv.closeAllConnections();
      }
    });

    it('without the extra CA the tenant\'s certificate is not trusted, and the result says so', async () => {
      const r = await verifySignature(tenant.mintIdToken({ alg: 'RS256' }), { cache: new JwksCache(), timeoutMs: 5000 });
      assert.equal(r.status, 'jwks-unreachable');
      assert.match(r.message, /TLS|certificate/i);
      assert.match(r.hint, /extra CA/);
    });

    it('cancellation stops a hanging fetch', async () => {
      tenant.setJwksMode('hang');
      const ac = new AbortController();
      const p = verifySignature(tenant.mintIdToken({ alg: 'RS256' }), { trust, cache: new JwksCache(), signal: ac.signal, timeoutMs: 30_000 });
      setTimeout(() => ac.abort(), 200);
      await assert.rejects(p, (e: unknown) => e instanceof EngineError && e.code === 'CANCELLED');
    });
  });

  describe('reading roles from the pool [moto_plus]', () => {
    it('reads the authenticated role with GetIdentityPoolRoles and passes [moto_plus]', async () => {
      const w = await world({ setRoles: true });
      const c = await check(tenant.mintIdToken({ alg: 'RS256' }), w, { authenticatedRoleArn: undefined });
      assert.deepEqual(c.notes, []);
      assert.equal(c.report.ok, true, c.report.summary);
      assert.equal(rule(c, 'role.attached').status, 'pass');
      assert.match(rule(c, 'role.attached').message, new RegExp(w.roleArn));
    });

    it('a pool without an authenticated role fails role.attached [moto_plus]', async () => {
      const w = await world({ setRoles: false });
      const c = await check(tenant.mintIdToken({ alg: 'RS256' }), w, { authenticatedRoleArn: undefined });
      assert.deepEqual(failures(c), ['role.attached']);
      assert.deepEqual(rule(c, 'role.attached').fix, { kind: 'setAuthenticatedRole', poolId: w.poolId });
      assert.equal(c.report.predictedError, 'Invalid identity pool configuration. Check assigned IAM roles for this pool.');
    });

    it('role trust without aud read from the pool: security finding [moto_plus]', async () => {
      const w = await world({ setRoles: true, trust: (p) => trustWithout(p, 'aud') });
      const c = await check(tenant.mintIdToken({ alg: 'RS256' }), w, { authenticatedRoleArn: undefined });
      assert.equal(rule(c, 'role.trust.aud').status, 'fail');
      assert.match(rule(c, 'role.trust.aud').message, /Statement 1 \(no Sid\) allows any identity pool in any account/);
    });

    it('wrong aud: add the client ID to the provider (the offered fix), then it passes [moto_plus]', async () => {
      const w = await world({ clientIds: ['SomeOtherApplicationClientId0000'] });
      const token = tenant.mintIdToken({ alg: 'RS256' });
      const c = await check(token, w);
      assert.deepEqual(rule(c, 'aud.clientId').fix, { kind: 'addClientIdToProvider', providerArn: w.providerArn, clientId });
      await iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: w.providerArn, ClientID: clientId }));
      assert.equal((await check(token, w)).report.ok, true);
    });

    it('the exchange against an unknown pool returns Cognito\'s verdict, not a crash [moto_plus]', async () => {
      const r = await exchangeToken({ aws, poolId: 'us-east-1:00000000-0000-0000-0000-000000000000', loginsKey: tenant.domain, token: tenant.mintIdToken({ alg: 'RS256' }) });
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.step, 'GetId');
        assert.equal(r.errorName, 'ResourceNotFoundException');
        assert.match(r.message, /not found/);
      }
    });
  });

  it('an AWS endpoint that answers nothing is a clear error', async () => {
    const w = await world();
    const deadAws: AwsConfig = { ...aws, endpoint: 'http://127.0.0.1:9', timeoutMs: 1000 };
    await assert.rejects(readPoolTarget({ aws: deadAws, poolId: w.poolId }), (e: unknown) => {
      assert.ok(e instanceof EngineError);
      assert.equal(e.code, 'UNREACHABLE', e.message);
      assert.match(e.message, /cognito-identity:DescribeIdentityPool/);
      return true;
    });
  });
});
