/**
 * "Pass" means verified: a token whose signature is missing fails, one whose keys cannot be
 * read (refused, redirect, issuer mismatch) is "cannot confirm", never pass; the discovery
 * document must name the token's issuer exactly (OpenID Connect Discovery 1.0, section 4.3).
 * Against the local HTTPS tenant; the CLI through its in-process runner.
 */
import * as assert from 'node:assert/strict';
import { JwksCache, verifySignature } from '../../../../src/engine/token/jwks';
import { runPreflight } from '../../../../src/engine/token/preflight';
import { decodeToken } from '../../../../src/engine/token/decode';
import { runCli as cli } from '../../../helpers/cli';
import { startTenant, type Tenant } from '../../../standins/tenant';
import { freePort } from '../../../standins/ports';

const cut = (jwt: string): string => jwt.slice(0, jwt.lastIndexOf('.') + 1);

describe('verdicts: pass only when the signature was verified', function () {
  this.timeout(60_000);
  let tenant: Tenant;
  const trust = () => ({ extraCaPems: [tenant.caPem] });
  const verify = (token: string) => verifySignature(decodeToken(token), { trust: trust(), timeoutMs: 5000, cache: new JwksCache() });

  before(async () => {
    tenant = await startTenant({ app: { jwt_configuration: { alg: 'RS256' } } });
  });
  afterEach(() => {
    tenant.clearFaults();
    tenant.setJwksMode('ok');
  });
  after(async () => { await tenant?.stop(); });

  it('a real token from the tenant passes', async () => {
    const token = tenant.mintIdToken();
    const report = runPreflight({ token, signature: await verify(token) });
    assert.equal(report.verdict, 'pass', report.summary);
    assert.equal(report.ok, true);
  });

  it('RS256 with an empty signature part fails, in the engine and in the CLI (non-zero exit)', async () => {
    const token = cut(tenant.mintIdToken());
    const report = runPreflight({ token, signature: await verify(token) });
    assert.equal(report.verdict, 'fail');
    assert.equal(report.rules.find((r) => r.id === 'token.alg')?.status, 'fail');
    const r = await cli(['inspect-token', token, '--json', '--ca', tenant.certs.rootPath]);
    assert.notEqual(r.code, 0, r.out + r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.ok, false);
    assert.equal(j.preflight.verdict, 'fail');
  });

  it('a forged token from an unreachable issuer is "cannot confirm", never pass, and the CLI exits non-zero', async () => {
    const iss = `https://127.0.0.1:${await freePort()}/`;
    const forged = tenant.mintIdToken({ key: 'foreign', claims: { iss } });
    const signature = await verify(forged);
    assert.equal(signature.status, 'jwks-unreachable');
    const report = runPreflight({ token: forged, signature });
    assert.equal(report.verdict, 'cannot-confirm', report.summary);
    assert.equal(report.ok, false);
    assert.match(report.summary, /^Cannot confirm: .*token\.signature could not be verified/);
    const r = await cli(['inspect-token', forged, '--json', '--timeout', '5']);
    assert.notEqual(r.code, 0, r.out + r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.ok, false);
    assert.equal(j.preflight.verdict, 'cannot-confirm');
    const text = await cli(['inspect-token', forged, '--timeout', '5']);
    assert.match(text.out, /CANNOT CONFIRM/);
    assert.doesNotMatch(text.out, /: PASS/);
  });

  it('JWKS that answers with an error, or redirects: cannot confirm', async () => {
    const token = tenant.mintIdToken();
    tenant.setJwksMode('error');
    const failed = await verify(token);
    assert.equal(failed.status, 'jwks-unreachable');
    assert.equal(runPreflight({ token, signature: failed }).verdict, 'cannot-confirm');
    tenant.setJwksMode('ok');
    tenant.addFault({ path: '/.well-known/openid-configuration', status: 302, body: {} });
    const redirected = await verify(token);
    assert.equal(redirected.status, 'jwks-unreachable');
    assert.match(redirected.message, /HTTP 302/);
    assert.equal(runPreflight({ token, signature: redirected }).verdict, 'cannot-confirm');
  });

  it('a discovery document naming another issuer stops the check with a message (Discovery 1.0 section 4.3)', async () => {
    tenant.addFault({
      path: '/.well-known/openid-configuration',
      status: 200,
      body: { issuer: 'https://someone-else.example/', jwks_uri: `${tenant.baseUrl}/.well-known/jwks.json` },
    });
    const token = tenant.mintIdToken();
    const s = await verify(token);
    assert.equal(s.status, 'jwks-unreachable');
    assert.match(s.message, /names the issuer "https:\/\/someone-else\.example\/", not "https:\/\/localhost:\d+\/"/);
    assert.equal(runPreflight({ token, signature: s }).verdict, 'cannot-confirm');
  });

  it('the issuer must match exactly: a token whose iss lacks the trailing slash is not vouched for', async () => {
    const token = tenant.mintIdToken({ claims: { iss: tenant.baseUrl } });
    const s = await verify(token);
    assert.equal(s.status, 'jwks-unreachable');
    assert.match(s.message, /names the issuer/);
  });

  it('says so when jwks_uri is on another origin than the issuer', async () => {
    tenant.addFault({
      path: '/.well-known/openid-configuration',
      status: 200,
      body: { issuer: tenant.issuer, jwks_uri: `https://127.0.0.1:${tenant.port}/.well-known/jwks.json` },
    });
    const s = await verify(tenant.mintIdToken());
    assert.equal(s.status, 'valid', s.message);
    assert.equal(s.jwksOtherOrigin, true);
    assert.match(s.message, /keys on another origin \(https:\/\/127\.0\.0\.1:\d+\)/);
  });
});
