/**
 * The exports' pure parts (issue 10, item 2): the setup model taken from a plan (the calls laid
 * over what exists), the import ids, and the escaping of values from outside. The linters and
 * the AWS CLI run against moto in test/integration/engine/export/.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  hclString,
  jmespathJson,
  renderAwsCli,
  renderCloudFormation,
  renderTerraform,
  setupModel,
  shellQuote,
  terraformImports,
  TF,
  yamlString,
  type ExistingState,
  type SetupModel,
} from '../../../../src/engine/export';
import { planCall, type PlanCall } from '../../../../src/engine/plan';
import { MINIMAL_PERMISSIONS_POLICY, MINIMAL_POLICY_NAME, type PlanAllResult, type StepId, type StepReview } from '../../../../src/engine/setup';
import { recommendedTrustPolicy } from '../../../../src/engine/aws/trustPolicy';

const URL = 'https://tenant.eu.auth0.com';
const PROVIDER_ARN = 'arn:aws:iam::123456789012:oidc-provider/tenant.eu.auth0.com';
const POOL_ID = 'eu-west-1:11111111-2222-3333-4444-555555555555';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/Cognito_app_Auth_Role';
const CONFIG = { aws: { region: 'eu-west-1' }, auth0: { domain: 'tenant.eu.auth0.com', clientId: 'app-client' } };
const TAGS = { 'auth0-cognito-bridge:setup': 'app' };

function review(step: StepId, calls: PlanCall[], outputs: Record<string, string> = {}, planOutputs: Record<string, string> = {}): StepReview {
  return {
    inspection: { step, title: step, status: 'needs-action', summary: '', found: [], values: {}, problems: [], outputs },
    plan: {
      subject: { kind: 'setup', step, outputs: planOutputs }, title: step, summary: '', changes: [], calls, preconditions: [], alreadyDone: calls.length === 0, warnings: [],
    },
  };
}

/** The plan for an empty account, as the steps build it. */
function freshPlan(): PlanAllResult {
  return {
    ok: true,
    outputs: { providerUrl: URL, providerArn: PROVIDER_ARN, roleArn: ROLE_ARN },
    reviews: [
      review('oidcProvider', [planCall('iam', 'CreateOpenIDConnectProvider', { Url: URL, ClientIDList: ['app-client'], ThumbprintList: ['a'.repeat(40)], Tags: [{ Key: 'auth0-cognito-bridge:setup', Value: 'app' }] })], { providerUrl: URL }, { providerArn: PROVIDER_ARN }),
      review('identityPool', [planCall('cognito-identity', 'CreateIdentityPool', { IdentityPoolName: 'app', AllowUnauthenticatedIdentities: false, AllowClassicFlow: false, OpenIdConnectProviderARNs: [PROVIDER_ARN], IdentityPoolTags: TAGS })]),
      review('authenticatedRole', [
        planCall('iam', 'CreateRole', { RoleName: 'Cognito_app_Auth_Role', AssumeRolePolicyDocument: recommendedTrustPolicy('<the id of the identity pool created in the previous step>'), Description: 'd', Tags: [{ Key: 'auth0-cognito-bridge:setup', Value: 'app' }] }),
        planCall('iam', 'PutRolePolicy', { RoleName: 'Cognito_app_Auth_Role', PolicyName: MINIMAL_POLICY_NAME, PolicyDocument: MINIMAL_PERMISSIONS_POLICY }),
        planCall('cognito-identity', 'SetIdentityPoolRoles', { IdentityPoolId: '<the id of the identity pool created in the previous step>', Roles: { authenticated: ROLE_ARN } }),
      ], {}, { roleArn: ROLE_ARN }),
    ],
  };
}

/** The plan for an account with the provider (another app's client ID) and the pool (without the provider, with a guest role), no role. */
function adoptingPlan(): { plan: PlanAllResult; existing: ExistingState } {
  const existing: ExistingState = {
    provider: { arn: PROVIDER_ARN, url: 'tenant.eu.auth0.com', clientIds: ['other-app'], thumbprints: [], createDate: undefined, tags: { team: 'web' } },
    pool: {
      poolId: POOL_ID, poolName: 'app', allowUnauthenticated: true, allowClassicFlow: undefined, openIdConnectProviderArns: ['arn:aws:iam::123456789012:oidc-provider/other.example'],
      supportedLoginProviders: { 'accounts.google.com': 'g-client' }, developerProviderName: undefined, cognitoIdentityProviders: [], samlProviderArns: [], tags: { owner: 'me' },
    },
    poolRoles: { roles: { unauthenticated: 'arn:aws:iam::123456789012:role/guest' }, roleMappings: {} },
  };
  const update = {
    IdentityPoolId: POOL_ID, IdentityPoolName: 'app', AllowUnauthenticatedIdentities: true,
    SupportedLoginProviders: { 'accounts.google.com': 'g-client' },
    OpenIdConnectProviderARNs: ['arn:aws:iam::123456789012:oidc-provider/other.example', PROVIDER_ARN], IdentityPoolTags: { owner: 'me' },
  };
  return {
    existing,
    plan: {
      ok: true,
      outputs: { providerUrl: URL, providerArn: PROVIDER_ARN, poolId: POOL_ID, roleArn: ROLE_ARN },
      reviews: [
        review('oidcProvider', [planCall('iam', 'AddClientIDToOpenIDConnectProvider', { OpenIDConnectProviderArn: PROVIDER_ARN, ClientID: 'app-client' })], { providerUrl: URL, providerArn: PROVIDER_ARN }, { providerArn: PROVIDER_ARN }),
        review('identityPool', [planCall('cognito-identity', 'UpdateIdentityPool', update)], { poolId: POOL_ID }, { poolId: POOL_ID }),
        review('authenticatedRole', [
          planCall('iam', 'CreateRole', { RoleName: 'Cognito_app_Auth_Role', AssumeRolePolicyDocument: recommendedTrustPolicy(POOL_ID), Description: 'd', Tags: [{ Key: 'auth0-cognito-bridge:setup', Value: 'app' }] }),
          planCall('iam', 'PutRolePolicy', { RoleName: 'Cognito_app_Auth_Role', PolicyName: MINIMAL_POLICY_NAME, PolicyDocument: MINIMAL_PERMISSIONS_POLICY }),
          planCall('cognito-identity', 'SetIdentityPoolRoles', { IdentityPoolId: POOL_ID, Roles: { unauthenticated: 'arn:aws:iam::123456789012:role/guest', authenticated: ROLE_ARN } }),
        ], {}, { roleArn: ROLE_ARN, poolId: POOL_ID }),
      ],
    },
  };
}

describe('export: the setup model from the plan', () => {
  it('takes a fresh account\'s values from the plan\'s create calls, with the pool id as a reference', () => {
    const m = setupModel(freshPlan(), CONFIG);
    assert.equal(m.provider.url, URL);
    assert.deepEqual(m.provider.clientIds, ['app-client']);
    assert.deepEqual(m.provider.thumbprints, ['a'.repeat(40)]);
    assert.deepEqual(m.provider.tags, TAGS);
    assert.equal(m.auth0.domain, 'tenant.eu.auth0.com');
    assert.equal(m.name, 'app');
    assert.deepEqual({ ...m.pool, tags: undefined }, {
      name: 'app', allowUnauthenticated: false, allowClassicFlow: false, otherProviderArns: [], supportedLoginProviders: {}, developerProviderName: undefined,
      cognitoIdentityProviders: [], samlProviderArns: [], tags: undefined, existingId: undefined,
    });
    const trust = m.role.trustPolicy as any;
    assert.deepEqual(trust.Statement[0].Condition.StringEquals['cognito-identity.amazonaws.com:aud'], { ref: 'poolId' });
    assert.deepEqual(m.inlinePolicy, { name: MINIMAL_POLICY_NAME, document: JSON.parse(MINIMAL_PERMISSIONS_POLICY), exists: false });
    assert.deepEqual(m.rolesAttachment, { roles: { authenticated: { ref: 'roleArn' } }, exists: false, roleMappings: [] });
    assert.equal(m.principalTags, undefined);
    assert.deepEqual(terraformImports(m), {});
  });

  it('lays the plan\'s calls over what exists: the added client ID, the pool\'s other settings kept, the guest role kept', () => {
    const { plan, existing } = adoptingPlan();
    const m = setupModel(plan, CONFIG, existing);
    assert.deepEqual(m.provider.clientIds, ['other-app', 'app-client']);
    assert.deepEqual(m.provider.tags, { team: 'web' }, 'an adopted provider is not re-tagged');
    assert.equal(m.provider.existingArn, PROVIDER_ARN);
    assert.equal(m.pool.allowUnauthenticated, true, 'the wizard leaves guest access alone, so does the export');
    assert.deepEqual(m.pool.otherProviderArns, ['arn:aws:iam::123456789012:oidc-provider/other.example']);
    assert.deepEqual(m.pool.supportedLoginProviders, { 'accounts.google.com': 'g-client' });
    assert.deepEqual(m.pool.tags, { owner: 'me' });
    assert.deepEqual(m.rolesAttachment.roles, { unauthenticated: 'arn:aws:iam::123456789012:role/guest', authenticated: { ref: 'roleArn' } });
    assert.deepEqual(terraformImports(m), { [TF.provider]: PROVIDER_ARN, [TF.pool]: POOL_ID, [TF.attachment]: POOL_ID });
    assert.ok(m.notes.some((n) => /allows guest \(unauthenticated\) identities/.test(n)));
    const tf = renderTerraform(m);
    assert.equal((tf.match(/^import \{$/gm) ?? []).length, 3);
    assert.match(tf, /client_id_list += \[var\.auth0_client_id, "other-app"\]/);
    assert.match(tf, /openid_connect_provider_arns += \["arn:aws:iam::123456789012:oidc-provider\/other\.example", aws_iam_openid_connect_provider\.auth0\.arn\]/);
    assert.match(tf, /"unauthenticated" = "arn:aws:iam::123456789012:role\/guest"/);
  });

  it('fails with the failed step\'s message when the plan stopped', () => {
    const plan: PlanAllResult = { ok: false, outputs: {}, reviews: [], failed: { step: 'oidcProvider', title: 'IAM OIDC provider', code: 'AWS', message: 'denied', hint: 'grant it' } };
    assert.throws(() => setupModel(plan, CONFIG), /Step "IAM OIDC provider" cannot be planned: denied/);
  });
});

describe('export: role mappings and principal tags (issue 13)', () => {
  const ADMIN = 'arn:aws:iam::123456789012:role/Admins';
  const ROLES = {
    mapping: {
      type: 'Rules' as const,
      ambiguousRoleResolution: 'Deny' as const,
      rules: [
        { claim: 'https://example.com/roles', matchType: 'Contains' as const, value: 'admin', roleArn: ADMIN },
        { claim: 'tenant', matchType: 'Equals' as const, value: 'acme', roleArn: ROLE_ARN },
      ],
    },
    principalTags: { useDefaults: false, map: { tenant: 'https://example.com/tenant' } },
  };

  it('a fresh account: the config\'s mapping (the setup\'s role as a reference), the tags, and sts:TagSession in the new role\'s trust', () => {
    const m = setupModel(freshPlan(), { ...CONFIG, roles: ROLES });
    assert.deepEqual(m.rolesAttachment.roleMappings, [{
      provider: 'tenant.eu.auth0.com', auth0: true, type: 'Rules', ambiguousRoleResolution: 'Deny',
      rules: [
        { claim: 'https://example.com/roles', matchType: 'Contains', value: 'admin', roleArn: ADMIN },
        { claim: 'tenant', matchType: 'Equals', value: 'acme', roleArn: { ref: 'roleArn' } },
      ],
    }]);
    assert.deepEqual(m.principalTags, { provider: 'tenant.eu.auth0.com', useDefaults: false, tags: { tenant: 'https://example.com/tenant' }, exists: false });
    assert.deepEqual(m.mappedRoleArns, [ADMIN]);
    const st = (m.role.trustPolicy as any).Statement[0];
    assert.deepEqual(st.Action, ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession']);
    assert.deepEqual(st.Condition.StringEquals['cognito-identity.amazonaws.com:aud'], { ref: 'poolId' });
    assert.ok(m.notes.some((n) => n.includes(ADMIN) && /sts:TagSession/.test(n)), m.notes.join('\n'));
    // Without tags: no sts:TagSession.
    const noTags = setupModel(freshPlan(), { ...CONFIG, roles: { mapping: ROLES.mapping } });
    assert.equal((noTags.role.trustPolicy as any).Statement[0].Action, 'sts:AssumeRoleWithWebIdentity');

    const tf = renderTerraform(m);
    assert.match(tf, /role_mapping \{\n\s+identity_provider\s+= var\.auth0_domain\n\s+type\s+= "Rules"\n\s+ambiguous_role_resolution = "Deny"/);
    assert.match(tf, /role_arn\s+= aws_iam_role\.authenticated\.arn/);
    assert.match(tf, /resource "aws_cognito_identity_pool_provider_principal_tag" "auth0"/);
    const cfn = renderCloudFormation(m);
    assert.match(cfn, /RoleMappings:\n\s+Auth0:\n\s+IdentityProvider: !Ref "Auth0Domain"/);
    assert.match(cfn, /Type: "AWS::Cognito::IdentityPoolPrincipalTag"/);
    const sh = renderAwsCli(m);
    assert.match(sh, /set-identity-pool-roles .*"RoleMappings":\{"tenant\.eu\.auth0\.com":\{"Type":"Rules","AmbiguousRoleResolution":"Deny"/);
    assert.match(sh, /set-principal-tag-attribute-map/);
  });

  it('an existing pool: the step\'s calls win for the Auth0 provider, other providers\' mappings are kept, the tag map is imported', () => {
    const { plan, existing } = adoptingPlan();
    const google = { Type: 'Token', AmbiguousRoleResolution: 'AuthenticatedRole' };
    existing.poolRoles = { roles: existing.poolRoles!.roles, roleMappings: { 'accounts.google.com': google } as any };
    existing.principalTags = { useDefaults: true, principalTags: {} };
    existing.auth0ProviderName = 'tenant.eu.auth0.com';
    const wanted = { Type: 'Rules', AmbiguousRoleResolution: 'AuthenticatedRole', RulesConfiguration: { Rules: [{ Claim: 'tier', MatchType: 'StartsWith', Value: 'gold', RoleARN: ADMIN }] } };
    const withTags = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'], Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': POOL_ID } } }] });
    const rm: StepReview = {
      ...review('roleMappings' as StepId, [
        planCall('iam', 'UpdateAssumeRolePolicy', { RoleName: 'Admins', PolicyDocument: withTags }),
        planCall('cognito-identity', 'SetIdentityPoolRoles', { IdentityPoolId: POOL_ID, Roles: existing.poolRoles.roles, RoleMappings: { 'accounts.google.com': google, 'tenant.eu.auth0.com': wanted } }),
        planCall('cognito-identity', 'SetPrincipalTagAttributeMap', { IdentityPoolId: POOL_ID, IdentityProviderName: 'tenant.eu.auth0.com', UseDefaults: false, PrincipalTags: { tier: 'tier' } }),
      ]),
    };
    rm.inspection.values = { providerName: 'tenant.eu.auth0.com' };
    const m = setupModel({ ...plan, reviews: [...plan.reviews, rm] }, CONFIG, existing);
    assert.deepEqual(m.rolesAttachment.roleMappings.map((x) => [x.provider, x.auth0, x.type]), [['accounts.google.com', false, 'Token'], ['tenant.eu.auth0.com', true, 'Rules']]);
    assert.deepEqual(m.rolesAttachment.roleMappings[1]?.rules, [{ claim: 'tier', matchType: 'StartsWith', value: 'gold', roleArn: ADMIN }]);
    assert.deepEqual(m.principalTags, { provider: 'tenant.eu.auth0.com', useDefaults: false, tags: { tier: 'tier' }, exists: true });
    assert.ok(m.notes.some((n) => /role mappings of accounts\.google\.com exist/.test(n)), m.notes.join('\n'));
    assert.ok(m.notes.some((n) => /also replaces the trust policy of Admins/.test(n)), m.notes.join('\n'));
    assert.deepEqual(terraformImports(m)[TF.principalTags], `${POOL_ID}:tenant.eu.auth0.com`);
    assert.equal(terraformImports(m)[TF.attachment], POOL_ID, 'a pool with mappings has an attachment to import');
    // The role is created here with sts:TagSession (tags mapped).
    assert.deepEqual((m.role.trustPolicy as any).Statement[0].Action, ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession']);
  });

  it('without config.roles the existing mappings are exported as they are (so an apply does not clear them)', () => {
    const { plan, existing } = adoptingPlan();
    existing.poolRoles = { roles: existing.poolRoles!.roles, roleMappings: { 'tenant.eu.auth0.com': { Type: 'Token', AmbiguousRoleResolution: 'Deny' } } as any };
    const m = setupModel(plan, CONFIG, existing);
    assert.deepEqual(m.rolesAttachment.roleMappings, [{ provider: 'tenant.eu.auth0.com', auth0: true, type: 'Token', ambiguousRoleResolution: 'Deny', rules: [] }]);
    assert.match(renderTerraform(m), /role_mapping \{\n\s+identity_provider\s+= var\.auth0_domain\n\s+type\s+= "Token"/);
    assert.doesNotMatch(renderTerraform(m), /mapping_rule/);
  });

  it('the AWS CLI script compares as JMESPath\'s to_string() writes: non-ASCII as \\u escapes', () => {
    assert.equal(jmespathJson(['é"x', null, true, ['a']]), '["\\u00e9\\"x",null,true,["a"]]');
  });
});

describe('export: escaping values from outside', () => {
  it('HCL: quotes, backslashes, controls, and template sequences are never evaluated', () => {
    assert.equal(hclString('a"b\\c\nd\te${x}%{y}$${z}'), '"a\\"b\\\\c\\nd\\te$${x}%%{y}$$${z}"');
    assert.equal(hclString('\u0001\u2028'), '"\\u0001\\u2028"');
  });

  it('YAML: a double-quoted scalar with YAML\'s line breaks escaped', () => {
    assert.equal(yamlString('a"b\\c\nd'), '"a\\"b\\\\c\\nd"');
    assert.equal(yamlString('x\u2028y\u0085z'), '"x\\u2028y\\u0085z"');
  });

  it('bash: a single-quoted word that bash reads back as exactly the value', () => {
    for (const s of ['it\'s', '$(touch /tmp/x) `id` ${HOME} "q" \\ \n end', '\'\'', '']) {
      assert.equal(execFileSync('bash', ['-c', `printf %s ${shellQuote(s)}`]).toString(), s);
    }
  });

  it('comments stay comments: a note with line breaks cannot start a line of the template', () => {
    const m = setupModel(freshPlan(), CONFIG);
    const evil: SetupModel = { ...m, notes: ['x\nResources: {}\r\nresource "a" "b" {}\u2028set +e'] };
    for (const text of [renderCloudFormation(evil), renderTerraform(evil), renderAwsCli(evil)]) {
      assert.ok(!/^(Resources: \{\}|resource "a"|set \+e)/m.test(text), text);
      assert.ok(!text.includes('\u2028'));
    }
  });
});
