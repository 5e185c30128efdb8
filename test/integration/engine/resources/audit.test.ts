/**
 * The resources audit (src/engine/resources/audit.ts) against moto seeded with 130 identity pools,
 * OIDC providers (the local HTTPS tenant's with a stale thumbprint, one on a closed loopback port,
 * one unused) and roles (one pinned, one trusting any pool), and against a clean setup made by
 * the setup engine. AWS calls are counted on the wire (test/helpers/awsCalls.ts).
 */
import * as assert from 'node:assert/strict';
import { CreateOpenIDConnectProviderCommand } from '@aws-sdk/client-iam';
import { ResourceSession } from '../../../../src/engine/resources/session';
import { auditResources, findingsByResource, formatAuditText, type ResourcesAudit } from '../../../../src/engine/resources/audit';
import { applyAll, createSetupCache, type SetupContext } from '../../../../src/engine/setup';
import { useStandins } from '../../../standins/fixture';
import { seedResources, STALE_THUMBPRINT } from '../../../helpers/resourcesSeed';
import { startHangServer, type HangServer } from '../../../helpers/hangServer';

const N_POOLS = 130;

describe('resources audit: lists with findings (moto + local tenant)', function () {
  this.timeout(120_000);
  const standins = useStandins({ awsTrust: true });
  const { sent } = standins;
  const count = (action: string) => sent.filter((s) => s.action === action).length;
  const codesOf = (audit: ResourcesAudit, key: string) => (findingsByResource(audit).get(key) ?? []).map((f) => `${f.code}:${f.severity}`).sort();

  it('lists all 130 pools with ceil(130/60) = 3 ListIdentityPools; finds the drift, the loose trust, the missing role and provider, the unused provider, the unreachable host', async () => {
    const { iam, ci, tenant, aws, clients } = standins;
    const seeded = await seedResources(iam, ci, tenant, N_POOLS);
    sent.length = 0;
    const audit = await auditResources(new ResourceSession(aws, { clients }), { timeoutMs: 5000 });

    assert.equal(count('ListIdentityPools'), Math.ceil(N_POOLS / 60));
    assert.equal(count('ListOpenIDConnectProviders'), 1);
    assert.equal(count('DescribeIdentityPool'), N_POOLS, 'one DescribeIdentityPool per pool');
    assert.equal(count('GetRole'), 1, 'GetRole only for the role pool 1 names that ListRoles did not return');
    assert.equal(audit.calls.ListIdentityPools, 3, 'the audit reports its own calls');
    assert.deepEqual(audit.pools.map((p) => p.id).sort(), [...seeded.poolIds].sort());
    assert.equal(audit.truncated, false);
    assert.deepEqual(audit.providers.map((p) => p.arn).sort(), [seeded.tenantProviderArn, seeded.closedProviderArn, seeded.unusedProviderArn].sort());
    assert.deepEqual(audit.roles.map((r) => r.arn).sort(), [seeded.goodRoleArn, seeded.looseRoleArn].sort());

    // The shape of the issue, with its fields.
    const tp = audit.providers.find((p) => p.arn === seeded.tenantProviderArn);
    assert.equal(tp?.url, tenant.domain);
    assert.deepEqual(tp?.clientIds, [tenant.app.client_id]);
    assert.deepEqual(tp?.thumbprints, [STALE_THUMBPRINT]);
    assert.equal(tp?.currentThumbprint, tenant.certs.fingerprints.intermediate, 'SHA-1 of the last certificate the tenant presents');
    assert.deepEqual(tp?.pools, [seeded.poolIds[0]]);
    const pool0 = audit.pools.find((p) => p.id === seeded.poolIds[0]);
    assert.deepEqual(pool0, { id: seeded.poolIds[0], name: 'audit_pool_000', providers: [seeded.tenantProviderArn], authenticatedRole: seeded.goodRoleArn, unauthenticatedRole: null, allowUnauthenticated: false, setup: undefined, findings: [] });
    const good = audit.roles.find((r) => r.arn === seeded.goodRoleArn);
    assert.deepEqual(good?.pools, [seeded.poolIds[0]]);
    assert.deepEqual(good?.findings, []);

    // The findings.
    assert.deepEqual(codesOf(audit, seeded.tenantProviderArn), ['thumbprint-drift:warning']);
    assert.match(tp?.findings[0]?.message ?? '', new RegExp(tenant.certs.fingerprints.intermediate));
    assert.deepEqual(codesOf(audit, seeded.closedProviderArn), ['thumbprint-unchecked:info'], 'an unreachable host is an info finding, not an error');
    assert.deepEqual(codesOf(audit, seeded.unusedProviderArn), ['provider-unused:info'], 'no thumbprint pinned: no fetch, no drift');
    assert.deepEqual(codesOf(audit, seeded.looseRoleArn), ['role-unused:info', 'trust-any-pool:error']);
    assert.deepEqual(codesOf(audit, seeded.poolIds[1] ?? ''), ['pool-role-missing:error']);
    assert.deepEqual(codesOf(audit, seeded.poolIds[2] ?? ''), ['pool-no-authenticated-role:warning', 'pool-provider-missing:error']);
    assert.deepEqual(codesOf(audit, seeded.poolIds[3] ?? ''), ['pool-no-provider:warning']);
    assert.deepEqual(audit.counts, { error: 3, warning: 1 + (N_POOLS - 3) + 1, info: 3 });

    const text = formatAuditText(audit);
    assert.match(text, /^OIDC providers \(3\):$/m);
    assert.match(text, /^Identity pools in us-east-1 \(130\):$/m);
    assert.match(text, /^ {2}audit-loose {2}any identity pool · authenticated identities; used by 0 pools\n {4}error {3}trust-any-pool: /m);
  });

  it('thumbprints are fetched within the timeout: hosts that never answer give info findings, not errors', async () => {
    const { iam, aws, clients } = standins;
    const servers: HangServer[] = await Promise.all(Array.from({ length: 6 }, () => startHangServer()));
    try {
      for (const s of servers) {
        await iam.send(new CreateOpenIDConnectProviderCommand({ Url: `https://127.0.0.1:${s.port}`, ClientIDList: ['c'], ThumbprintList: ['ef'.repeat(20)] }));
      }
      const connected = () => servers.reduce((n, s) => n + s.connections(), 0);
      const audit = await auditResources(new ResourceSession(aws, { clients }), { timeoutMs: 3000 });
      assert.equal(connected(), 6, 'every host tried once');
      assert.deepEqual(audit.providers.map((p) => p.findings.map((f) => f.code).sort()), servers.map(() => ['provider-unused', 'thumbprint-unchecked']));
      const unchecked = audit.providers[0]?.findings.find((f) => f.code === 'thumbprint-unchecked')?.message ?? '';
      assert.match(unchecked, /within 3 s/, unchecked);
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  });

  it('a clean setup (the setup engine\'s applyAll) has no error finding; what it made carries its setup tag', async () => {
    const { tenant, moto, aws, clients, trust } = standins;
    tenant.app.jwt_configuration.alg = 'HS256';
    const ctx: SetupContext = {
      config: { aws: { region: moto.region, endpoint: moto.endpoint }, auth0: { domain: tenant.domain, clientId: tenant.app.client_id }, names: { poolName: 'auth0_pool' } },
      management: { kind: 'clientCredentials', clientId: tenant.mgmt.clientId, clientSecret: tenant.mgmt.clientSecret },
      trust,
      timeoutMs: 5000,
      awsCredentials: moto.credentials,
      clients,
      cache: createSetupCache(),
    };
    const run = await applyAll(ctx);
    assert.equal(run.ok, true, JSON.stringify(run.failed));
    const audit = await auditResources(new ResourceSession(aws, { clients }), { timeoutMs: 5000 });
    assert.equal(audit.counts.error, 0, formatAuditText(audit));
    assert.deepEqual(audit.providers.map((p) => [p.arn, p.setup, p.currentThumbprint, p.findings]), [[run.outputs.providerArn, 'auth0_pool', tenant.certs.fingerprints.intermediate, []]]);
    assert.deepEqual(audit.pools.map((p) => [p.id, p.setup, p.authenticatedRole, p.findings]), [[run.outputs.poolId, 'auth0_pool', run.outputs.roleArn, []]]);
    assert.deepEqual(audit.roles.map((r) => [r.arn, r.pools, r.findings]), [[run.outputs.roleArn, [run.outputs.poolId], []]]);
  });
});
