import * as assert from 'node:assert/strict';
import { runCli as cli } from '../../helpers/cli';
import { startTenant, type Tenant } from '../../standins/tenant';
import { startMoto, type Moto } from '../../standins/moto';
import { buildWorld, type World } from '../../standins/world';

describe('CLI inspect-token (a CI gate) against the local tenant and moto', function () {
  this.timeout(60_000);
  let tenant: Tenant;
  let moto: Moto;
  let world: World;
  const env = { endpoint: '', ca: '' };

  before(async () => {
    [tenant, moto] = await Promise.all([startTenant({ app: { jwt_configuration: { alg: 'RS256' } } }), startMoto()]);
    world = await buildWorld(moto, tenant, { name: 'cli' });
    env.endpoint = moto.endpoint;
    env.ca = tenant.certs.rootPath;
    process.env.AWS_ACCESS_KEY_ID = moto.credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = moto.credentials.secretAccessKey;
  });
  after(async () => { await Promise.allSettled([tenant?.stop(), moto?.stop()]); });

  it('exits 0 for a good token against the pool, reading the token from stdin', async () => {
    const r = await cli(['inspect-token', '--pool', world.poolId, '--endpoint', env.endpoint, '--ca', env.ca], `Bearer ${tenant.mintIdToken({ alg: 'RS256' })}\n`);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /Preflight against us-east-1:[0-9a-f-]+: PASS/);
    assert.match(r.out, /Signature: valid/);
    assert.match(r.out, new RegExp(`Logins key: ${tenant.domain.replace(/[.]/g, '\\.')}`));
  });

  it('exits 1 with the findings for a token Cognito would reject, and never prints the token', async () => {
    const token = tenant.mintIdToken({ alg: 'RS256', claims: { aud: 'AnotherClientId00000000000000000' } });
    const r = await cli(['inspect-token', token, '--pool', world.poolId, '--endpoint', env.endpoint, '--ca', env.ca]);
    assert.equal(r.code, 1);
    assert.match(r.out, /WOULD BE REJECTED/);
    assert.match(r.out, /\[FAIL\] .*client ID list/);
    assert.match(r.out, /AWS: Token is not from a supported provider of this identity pool\./);
    assert.ok(!r.out.includes(token), 'the token is not echoed');
  });

  it('--json gives the report for machines, without the raw token', async () => {
    const token = tenant.mintIdToken({ alg: 'HS256' });
    const r = await cli(['inspect-token', token, '--json', '--ca', env.ca]);
    assert.equal(r.code, 1);
    const j = JSON.parse(r.out);
    assert.equal(j.ok, false);
    assert.equal(j.token.raw, undefined);
    assert.ok(j.preflight.rules.some((x: { id: string; status: string }) => x.id === 'token.alg' && x.status === 'fail'));
  });

  it('garbage exits 1 with a clear message; a bad pool id exits 2', async () => {
    const g = await cli(['inspect-token', 'not-a-token']);
    assert.equal(g.code, 1);
    assert.match(g.out, /^Not a token: /);
    const p = await cli(['inspect-token', tenant.mintIdToken({ alg: 'RS256' }), '--pool', 'eu-west-1', '--ca', env.ca]);
    assert.equal(p.code, 2);
    assert.match(p.err, /is not an identity pool id/);
  });
});
