/**
 * The optional "Roles by user" step (issue 13) against moto + the local tenant: plan, apply,
 * apply again (no write), the roles and other settings kept, the trust of every role a rule can
 * choose fixed through the plan, and the principal tag map with sts:TagSession.
 */
import * as assert from 'node:assert/strict';
import { CreateRoleCommand, GetRoleCommand } from '@aws-sdk/client-iam';
import { GetIdentityPoolRolesCommand, GetPrincipalTagAttributeMapCommand } from '@aws-sdk/client-cognito-identity';
import { evaluateTagSession, evaluateTrustPolicy, recommendedTrustPolicy } from '../../../../src/engine/aws/trustPolicy';
import { applyAll, createSetupCache, roleMappingsStep, validateSetupConfig, type RoleMappingConfig, type SetupConfig, type SetupContext } from '../../../../src/engine/setup';
import { MOTO_ACCOUNT_ID } from '../../../standins/moto';
import { useStandins } from '../../../standins/fixture';
import { isWrite } from '../../../helpers/awsCalls';

const ROLE = (name: string) => `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/${name}`;

describe('setup step "Roles by user": plan, apply, apply again (moto + local tenant)', function () {
  this.timeout(60_000);
  const s = useStandins({ awsTrust: true });
  const writes = (from = 0): string[] => s.sent.slice(from).filter(isWrite).map((x) => x.action);

  const config = (roles?: SetupConfig['roles']): SetupConfig => ({
    aws: { region: s.moto.region, endpoint: s.moto.endpoint },
    auth0: { domain: s.tenant.domain, clientId: s.tenant.app.client_id },
    names: { poolName: 'auth0_pool' },
    ...(roles ? { roles } : {}),
  });
  const ctx = (roles?: SetupConfig['roles']): SetupContext => ({
    config: config(roles),
    management: { kind: 'clientCredentials', clientId: s.tenant.mgmt.clientId, clientSecret: s.tenant.mgmt.clientSecret },
    trust: s.trust,
    timeoutMs: 5000,
    awsCredentials: s.moto.credentials,
    clients: s.clients,
    cache: createSetupCache(),
  });

  /** The guide's setup, then two roles: Admins pinned to the pool, Customers trusting any pool. */
  async function setUp(): Promise<{ poolId: string; authArn: string }> {
    s.tenant.app.jwt_configuration.alg = 'HS256';
    const run = await applyAll(ctx());
    assert.equal(run.ok, true, JSON.stringify(run.failed));
    const poolId = run.outputs.poolId ?? '';
    await s.iam.send(new CreateRoleCommand({ RoleName: 'Admins', AssumeRolePolicyDocument: recommendedTrustPolicy(poolId) }));
    const loose = JSON.parse(recommendedTrustPolicy(poolId)) as { Statement: Array<{ Condition: Record<string, unknown> }> };
    delete (loose.Statement[0] as { Condition: Record<string, unknown> }).Condition.StringEquals;
    await s.iam.send(new CreateRoleCommand({ RoleName: 'Customers', AssumeRolePolicyDocument: JSON.stringify(loose) }));
    return { poolId, authArn: run.outputs.roleArn ?? '' };
  }

  const mapping = {
    type: 'Rules' as const,
    ambiguousRoleResolution: 'Deny' as const,
    rules: [
      { claim: 'tenant', matchType: 'Equals' as const, value: 'acme', roleArn: ROLE('Admins') },
      { claim: 'tenant', matchType: 'Equals' as const, value: 'globex', roleArn: ROLE('Customers') },
    ],
  };

  it('validateSetupConfig takes roles and names a bad field', () => {
    const ok = validateSetupConfig({ ...config(), roles: { mapping, principalTags: { useDefaults: true } } });
    assert.deepEqual(ok.roles, { mapping, principalTags: { useDefaults: true } });
    assert.throws(() => validateSetupConfig({ ...config(), roles: { mapping: { ...mapping, rules: [{ ...mapping.rules[0], roleArn: 'Admins' }] } } }), /roles\.mapping\.rules\[0\]\.roleArn "Admins" is not an IAM role ARN/);
    assert.throws(() => validateSetupConfig({ ...config(), roles: { mappings: {} } }), /unknown field "roles\.mappings"/);
  });

  it('without roles in the config: nothing to change, the pool untouched', async () => {
    await setUp();
    const from = s.sent.length;
    const plan = await roleMappingsStep.plan(ctx());
    assert.equal(plan.alreadyDone, true);
    assert.deepEqual(plan.calls, []);
    assert.deepEqual(writes(from), []);
  });

  it('plans the trust fix of the loose role and SetIdentityPoolRoles keeping the roles; applies; applying again writes nothing', async () => {
    const { poolId, authArn } = await setUp();
    const c = ctx({ mapping });
    const from = s.sent.length;
    const plan = await roleMappingsStep.plan(c);
    assert.deepEqual(writes(from), [], 'planning writes nothing');
    assert.deepEqual(plan.calls.map((x) => x.action), ['UpdateAssumeRolePolicy', 'SetIdentityPoolRoles']);
    assert.equal(plan.calls[0]?.params.RoleName, 'Customers', 'only the role that is not pinned');
    const set = plan.calls[1]?.params as { Roles: unknown; RoleMappings: Record<string, unknown> };
    assert.deepEqual(set.Roles, { authenticated: authArn }, 'the pool\'s roles are kept');
    assert.deepEqual(Object.keys(set.RoleMappings), [s.tenant.domain], 'keyed by the provider name (the Logins key)');
    assert.equal(plan.subject.step, 'roleMappings');

    const out = await roleMappingsStep.apply(c, plan);
    assert.equal(out.ok, true, out.message);
    assert.deepEqual(writes(from), ['UpdateAssumeRolePolicy', 'SetIdentityPoolRoles']);
    const roles = await s.ci.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: poolId }));
    assert.deepEqual(roles.Roles, { authenticated: authArn });
    assert.deepEqual(roles.RoleMappings?.[s.tenant.domain], {
      Type: 'Rules',
      AmbiguousRoleResolution: 'Deny',
      RulesConfiguration: { Rules: mapping.rules.map((r) => ({ Claim: r.claim, MatchType: r.matchType, Value: r.value, RoleARN: r.roleArn })) },
    });
    const customers = await s.iam.send(new GetRoleCommand({ RoleName: 'Customers' }));
    assert.equal(evaluateTrustPolicy(customers.Role?.AssumeRolePolicyDocument, poolId).pinned, true, 'fixed through the plan');

    // Again: already done, no write.
    const again = s.sent.length;
    const plan2 = await roleMappingsStep.plan(c);
    assert.equal(plan2.alreadyDone, true, JSON.stringify(plan2.calls));
    const out2 = await roleMappingsStep.apply(c, plan2);
    assert.equal(out2.ok, true);
    assert.equal(out2.writeCalls, 0);
    assert.deepEqual(writes(again), []);

    // Inspect says done, and lists the mapping.
    const ins = await roleMappingsStep.inspect(c);
    assert.equal(ins.status, 'done', JSON.stringify(ins.problems));
    assert.ok(ins.found.some((f) => /Role mapping for .*1\. tenant Equals "acme"/.test(f)), ins.found.join('\n'));
  });

  it('a rule naming a role that does not exist cannot be planned', async () => {
    await setUp();
    const bad: RoleMappingConfig = { ...mapping, rules: [{ claim: 'tenant', matchType: 'Equals', value: 'acme', roleArn: ROLE('Nope') }] };
    const c = ctx({ mapping: bad });
    await assert.rejects(roleMappingsStep.plan(c), /The role arn:aws:iam::\d+:role\/Nope \(chosen by a rule of the mapping\) does not exist/);
  });

  it('principal tags: SetPrincipalTagAttributeMap, and sts:TagSession added to every role the provider can give', async () => {
    const { poolId, authArn } = await setUp();
    const c = ctx({ mapping, principalTags: { useDefaults: false, map: { tenant: 'tenant' } } });
    const from = s.sent.length;
    const plan = await roleMappingsStep.plan(c);
    assert.deepEqual(plan.calls.map((x) => `${x.action} ${String(x.params.RoleName ?? '')}`.trim()), [
      'UpdateAssumeRolePolicy Admins',
      'UpdateAssumeRolePolicy Customers',
      `UpdateAssumeRolePolicy ${authArn.split('/').pop() ?? ''}`,
      'SetIdentityPoolRoles',
      'SetPrincipalTagAttributeMap',
    ]);
    const out = await roleMappingsStep.apply(c, plan);
    assert.equal(out.ok, true, out.message);
    for (const name of ['Admins', 'Customers', authArn.split('/').pop() ?? '']) {
      const r = await s.iam.send(new GetRoleCommand({ RoleName: name }));
      assert.equal(evaluateTagSession(r.Role?.AssumeRolePolicyDocument, poolId).allowed, true, `${name} allows sts:TagSession`);
      assert.equal(evaluateTrustPolicy(r.Role?.AssumeRolePolicyDocument, poolId).pinned, true, `${name} stays pinned`);
    }
    const tags = await s.ci.send(new GetPrincipalTagAttributeMapCommand({ IdentityPoolId: poolId, IdentityProviderName: s.tenant.domain }));
    assert.deepEqual(tags.PrincipalTags, { tenant: 'tenant' });
    assert.equal(tags.UseDefaults, false);
    const again = s.sent.length;
    const plan2 = await roleMappingsStep.plan(c);
    assert.equal(plan2.alreadyDone, true, JSON.stringify(plan2.calls));
    assert.deepEqual(writes(again), []);
    assert.ok(writes(from).includes('SetPrincipalTagAttributeMap'));
  });
});
