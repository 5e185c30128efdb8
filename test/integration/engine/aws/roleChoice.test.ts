/**
 * Issue 13, "must show": two users of the local tenant (ID tokens with different claims) get two
 * different roles from a real GetCredentialsForIdentity, seen through STS GetCallerIdentity made
 * with the temporary credentials, and each is the role ../aws/roleMapping's predictRole says; a
 * token no rule matches, with Deny, is refused as predicted. moto_plus.py chooses the role on its
 * own (it shares no code with the engine): two independent readings of the API reference.
 */
import * as assert from 'node:assert/strict';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { loadAws } from '../../../../src/engine/aws/config';
import { predictRole } from '../../../../src/engine/aws/roleMapping';
import { recommendedTrustPolicy } from '../../../../src/engine/aws/trustPolicy';
import { applyAll, createSetupCache, roleMappingsStep, type RoleMappingConfig, type SetupContext } from '../../../../src/engine/setup';
import { decodeToken } from '../../../../src/engine/token/decode';
import { runPreflight } from '../../../../src/engine/token/preflight';
import { readPoolTarget } from '../../../../src/engine/aws/readPool';
import { MOTO_ACCOUNT_ID } from '../../../standins/moto';
import { useStandins } from '../../../standins/fixture';

const ROLE = (name: string) => `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/${name}`;
/** The session ARN STS answers for a role assumed through Cognito. */
const assumed = (roleArn: string) => new RegExp(`^arn:aws:sts::${MOTO_ACCOUNT_ID}:assumed-role/${roleArn.split('/').pop() ?? ''}/`);

describe('role choice: two users, two roles, as predicted (moto + local tenant)', function () {
  this.timeout(60_000);
  const s = useStandins({ awsTrust: true });

  const mapping: RoleMappingConfig = {
    type: 'Rules',
    ambiguousRoleResolution: 'Deny',
    rules: [
      { claim: 'https://example.com/tenant', matchType: 'Equals', value: 'acme', roleArn: ROLE('AcmeUsers') },
      { claim: 'https://example.com/tenant', matchType: 'StartsWith', value: 'glob', roleArn: ROLE('GlobexUsers') },
    ],
  };

  it('acme -> AcmeUsers, globex -> GlobexUsers, initech -> denied, each as predicted', async () => {
    s.tenant.app.jwt_configuration.alg = 'HS256';
    const c: SetupContext = {
      config: { aws: { region: s.moto.region, endpoint: s.moto.endpoint }, auth0: { domain: s.tenant.domain, clientId: s.tenant.app.client_id }, names: { poolName: 'auth0_pool' }, roles: { mapping } },
      management: { kind: 'clientCredentials', clientId: s.tenant.mgmt.clientId, clientSecret: s.tenant.mgmt.clientSecret },
      trust: s.trust, timeoutMs: 5000, awsCredentials: s.moto.credentials, clients: s.clients, cache: createSetupCache(),
    };
    const run = await applyAll({ ...c, config: { ...c.config, roles: undefined } });
    assert.equal(run.ok, true, JSON.stringify(run.failed));
    const poolId = run.outputs.poolId ?? '';
    for (const name of ['AcmeUsers', 'GlobexUsers']) await s.iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: recommendedTrustPolicy(poolId) }));
    const out = await roleMappingsStep.apply(c, await roleMappingsStep.plan(c));
    assert.equal(out.ok, true, out.message);

    const aws = loadAws();
    const cases: Array<[string, string | undefined]> = [['acme', ROLE('AcmeUsers')], ['globex', ROLE('GlobexUsers')], ['initech', undefined]];
    const seen = new Set<string>();
    for (const [tenantClaim, expected] of cases) {
      const token = s.tenant.mintIdToken({ alg: 'RS256', claims: { 'https://example.com/tenant': tenantClaim } });
      const decoded = decodeToken(token);
      assert.ok(decoded.ok);
      const prediction = predictRole(decoded.claims, mapping, run.outputs.roleArn, { providerName: s.tenant.domain });
      assert.equal(prediction.roleArn, expected, `${tenantClaim}: ${prediction.why}`);

      // The preflight reads the pool (mappings included) and says the same.
      const { target } = await readPoolTarget({ aws: s.aws, clients: s.clients, poolId, issuer: s.tenant.issuer });
      const rule = runPreflight({ token: decoded, target }).rules.find((r) => r.id === 'role.choice');
      assert.equal(rule?.status, expected ? 'pass' : 'fail', rule?.message);

      const got = await aws.exchangeAndIdentify(s.clients, { poolId, logins: { [s.tenant.domain]: token } });
      if (expected) {
        assert.equal(got.ok, true, JSON.stringify(got));
        assert.ok(got.ok && got.caller.ok, JSON.stringify(got));
        if (got.ok && got.caller.ok) {
          assert.match(got.caller.arn, assumed(expected), `${tenantClaim}: STS says ${got.caller.arn}`);
          seen.add(got.caller.arn.split('/')[1] ?? '');
        }
      } else {
        assert.equal(prediction.denied, true);
        assert.equal(got.ok, false, JSON.stringify(got));
        if (!got.ok) {
          assert.equal(got.step, 'GetCredentialsForIdentity');
          assert.equal(got.errorName, prediction.errorName);
          // AWS has answered both with and without "for: PROVIDER" (docs/role-mappings.md).
          assert.match(got.message, /^The ambiguous role mapping rules (for: \S+ )?denied this request\.$/);
          assert.equal(rule?.awsError, prediction.error);
        }
      }
    }
    assert.deepEqual([...seen].sort(), ['AcmeUsers', 'GlobexUsers'], 'two users, two roles');
  });
});
