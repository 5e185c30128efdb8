/**
 * Issue #8 item 3 through the CLI: `inspect-token --pool` judges the role's trust policy the way
 * IAM does (every Allow statement counts), against moto and the local tenant. A role with a
 * second unconditioned statement, or aud by wildcard, fails with a trust finding naming the
 * statement; the correct role passes the trust rules.
 *
 * Exit codes: another change adds 3 ("cannot confirm"); the bad roles must give 1 (a failing
 * rule), and for the correct role only the role.trust.* rules are asserted.
 */
import * as assert from 'node:assert/strict';
import { IAMClient, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { recommendedTrustPolicy } from '../../../src/engine/aws/trustPolicy';
import { runCli as cli } from '../../helpers/cli';
import { startTenant, type Tenant } from '../../standins/tenant';
import { awsClientConfig, startMoto, type Moto } from '../../standins/moto';
import { buildWorld, type World } from '../../standins/world';

interface JsonRule { id: string; status: string; message: string; awsError?: string; fix?: { kind: string; policy?: string; poolId?: string } }

describe('CLI inspect-token --pool: trust policies judged the way IAM judges them (issue 8, item 3)', function () {
  this.timeout(90_000);
  let tenant: Tenant;
  let moto: Moto;
  let world: World;
  let iam: IAMClient;
  const roleName = 'clitrust-auth';

  before(async () => {
    [tenant, moto] = await Promise.all([startTenant({ app: { jwt_configuration: { alg: 'RS256' } } }), startMoto()]);
    world = await buildWorld(moto, tenant, { name: 'clitrust' });
    iam = new IAMClient(awsClientConfig(moto));
    process.env.AWS_ACCESS_KEY_ID = moto.credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = moto.credentials.secretAccessKey;
  });
  after(async () => {
    iam?.destroy();
    await Promise.allSettled([tenant?.stop(), moto?.stop()]);
  });

  async function inspectWithTrust(policy: string): Promise<{ code: number; rules: Map<string, JsonRule>; out: string }> {
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: policy }));
    const r = await cli(['inspect-token', tenant.mintIdToken({ alg: 'RS256' }), '--pool', world.poolId, '--endpoint', moto.endpoint, '--ca', tenant.certs.rootPath, '--json']);
    const j = JSON.parse(r.out) as { preflight: { rules: JsonRule[] } };
    return { code: r.code, rules: new Map(j.preflight.rules.map((x) => [x.id, x])), out: r.out + r.err };
  }

  const good = () => JSON.parse(recommendedTrustPolicy(world.poolId)) as { Version: string; Statement: Record<string, unknown>[] };

  it('the correct role passes the three trust rules', async () => {
    const r = await inspectWithTrust(recommendedTrustPolicy(world.poolId));
    for (const id of ['role.trust.principal', 'role.trust.aud', 'role.trust.amr']) {
      assert.equal(r.rules.get(id)?.status, 'pass', `${id}: ${r.rules.get(id)?.message}`);
    }
  });

  it('the correct statement plus a second unconditioned Allow fails, naming statement 2, with the exact policy as the fix', async () => {
    const p = good();
    p.Statement.push({ Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity' });
    const r = await inspectWithTrust(JSON.stringify(p));
    assert.equal(r.code, 1, r.out);
    const aud = r.rules.get('role.trust.aud');
    assert.equal(aud?.status, 'fail', aud?.message);
    assert.match(aud?.message ?? '', /Statement 2 \(no Sid\) allows any identity pool in any account, authenticated or not/);
    assert.equal(aud?.awsError, undefined, 'a security finding: Cognito itself would accept');
    assert.equal(aud?.fix?.kind, 'fixRoleTrust');
    assert.equal(aud?.fix?.policy, recommendedTrustPolicy(world.poolId));
    assert.equal(r.rules.get('role.trust.amr')?.status, 'fail');
    assert.equal(r.rules.get('role.trust.principal')?.status, 'pass');
  });

  it('aud by StringLike wildcard fails with a trust finding', async () => {
    const p = good();
    const st = p.Statement[0] as { Condition: Record<string, unknown> };
    delete st.Condition.StringEquals;
    st.Condition.StringLike = { 'cognito-identity.amazonaws.com:aud': 'us-east-1:*' };
    const r = await inspectWithTrust(JSON.stringify(p));
    assert.equal(r.code, 1, r.out);
    const aud = r.rules.get('role.trust.aud');
    assert.equal(aud?.status, 'fail', aud?.message);
    assert.match(aud?.message ?? '', /Statement 1 \(no Sid\) allows any identity pool whose id matches "us-east-1:\*"/);
    assert.equal(r.rules.get('role.trust.amr')?.status, 'pass');
  });
});
