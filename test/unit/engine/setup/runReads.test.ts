/** RunReads and afterWrite (issue 11): a read once per run; a write forgets exactly what it changes. */
import * as assert from 'node:assert/strict';
import { READ_KEYS, RunReads } from '../../../../src/engine/setup/cache';
import { afterWrite } from '../../../../src/engine/setup/core';
import type { IdentityPoolConfig } from '../../../../src/engine/aws/sdk';
import { planCall } from '../../../../src/engine/plan';

describe('setup RunReads', () => {
  it('reads once per key; a failure is not kept', async () => {
    const r = new RunReads();
    let n = 0;
    const read = () => r.read('k', async () => ++n);
    assert.equal(await read(), 1);
    assert.equal(await read(), 1);
    let fails = 0;
    const bad = () => r.read('bad', async () => { fails++; throw new Error('no'); });
    await assert.rejects(bad());
    await assert.rejects(bad());
    assert.equal(fails, 2);
    r.forget('k');
    assert.equal(await read(), 2);
  });

  it('a created provider joins the list read before; a client ID added forgets only that provider', async () => {
    const r = new RunReads();
    const arn = 'arn:aws:iam::123456789012:oidc-provider/tenant.auth0.com';
    await r.read(READ_KEYS.providerArns(), async () => ['arn:other']);
    await r.read(READ_KEYS.provider('arn:other'), async () => 'other');
    afterWrite(r, planCall('iam', 'CreateOpenIDConnectProvider', { Url: 'https://tenant.auth0.com' }), { providerArn: arn }, true, 'us-east-1');
    assert.deepEqual(await r.read(READ_KEYS.providerArns(), async () => assert.fail('read again')), ['arn:other', arn]);
    afterWrite(r, planCall('iam', 'AddClientIDToOpenIDConnectProvider', { OpenIDConnectProviderArn: 'arn:other', ClientID: 'c' }), {}, true, 'us-east-1');
    assert.equal(await r.read(READ_KEYS.provider('arn:other'), async () => 'fresh'), 'fresh');
    assert.deepEqual(await r.read(READ_KEYS.providerArns(), async () => assert.fail('read again')), ['arn:other', arn]);
  });

  it('a created pool: in the list, described by the response, no roles; SetIdentityPoolRoles forgets its roles; a failed write forgets everything', async () => {
    const r = new RunReads();
    await r.read(READ_KEYS.poolList('us-east-1'), async () => ({ pools: [], truncated: false }));
    const pool = { poolId: 'us-east-1:1', poolName: 'p' } as IdentityPoolConfig;
    afterWrite(r, planCall('cognito-identity', 'CreateIdentityPool', { IdentityPoolName: 'p' }), { pool, poolId: pool.poolId }, true, 'us-east-1');
    assert.deepEqual(await r.read(READ_KEYS.poolList('us-east-1'), async () => assert.fail('read again')), { pools: [{ id: 'us-east-1:1', name: 'p' }], truncated: false });
    assert.equal(await r.read(READ_KEYS.pool(pool.poolId), async () => assert.fail('read again')), pool);
    assert.deepEqual(await r.read(READ_KEYS.poolRoles(pool.poolId), async () => assert.fail('read again')), { roles: {}, roleMappings: {} });
    afterWrite(r, planCall('cognito-identity', 'SetIdentityPoolRoles', { IdentityPoolId: pool.poolId }), {}, true, 'us-east-1');
    assert.equal(await r.read(READ_KEYS.poolRoles(pool.poolId), async () => 'fresh'), 'fresh');
    afterWrite(r, planCall('iam', 'PutRolePolicy', { RoleName: 'x' }), {}, false, 'us-east-1');
    assert.equal(await r.read(READ_KEYS.pool(pool.poolId), async () => 'fresh'), 'fresh');
  });
});
