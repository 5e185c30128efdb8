/**
 * The moto stand-in's role mappings and attributes for access control (moto_plus.py), driven
 * by the real AWS SDK v3 against the started moto, with ID tokens minted by the tenant
 * stand-in (real RS256 tokens with custom claims; moto_plus reads their claims unverified).
 *
 * What is pinned here is moto_plus's own reading of the Cognito documentation (see the
 * comment above choose_role() in moto_plus.py, with its sources): the role a
 * token gets from GetCredentialsForIdentity is seen through STS GetCallerIdentity with the
 * returned credentials, as a user of real AWS would see it.
 */
import * as assert from 'node:assert/strict';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import {
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  GetIdentityPoolRolesCommand,
  GetPrincipalTagAttributeMapCommand,
  SetIdentityPoolRolesCommand,
  SetPrincipalTagAttributeMapCommand,
  CognitoIdentityClient,
  type RoleMapping,
  type MappingRule,
} from '@aws-sdk/client-cognito-identity';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { useStandins } from './fixture';
import { awsClientConfig, MOTO_ACCOUNT_ID } from './moto';
import { buildWorld, type World } from './world';

const DENIED = 'The ambiguous role mapping rules denied this request.';
const SESSION = 'CognitoIdentityCredentials';
const ROLES_CLAIM = 'https://example.com/roles';

async function failure(p: Promise<unknown>): Promise<{ status: number | undefined; name: string; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number } };
    return { status: err.$metadata?.httpStatusCode, name: err.name, message: err.message };
  }
  assert.fail('expected the call to fail');
}

const assumed = (roleName: string): string => `arn:aws:sts::${MOTO_ACCOUNT_ID}:assumed-role/${roleName}/${SESSION}`;

describe('moto stand-in: role mappings and attributes for access control', function () {
  this.timeout(60_000);
  const standins = useStandins();
  let world: World;
  let loginsKey: string;
  let ciOnce: CognitoIdentityClient;
  /** Role name -> ARN of the roles made for the current test. */
  let roles: Record<string, string>;

  before(function () {
    ciOnce = new CognitoIdentityClient({ ...awsClientConfig(standins.moto), maxAttempts: 1 });
    loginsKey = standins.tenant.domain;
  });
  after(() => ciOnce?.destroy());

  beforeEach(async function () {
    world = await buildWorld(standins.moto, standins.tenant, { name: 'rbac' });
    roles = { 'rbac-auth': world.roleArn };
    for (const name of ['admin', 'editor', 'viewer']) roles[name] = await createRole(name);
  });

  async function createRole(name: string, tagSession = false): Promise<string> {
    const trust = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: 'cognito-identity.amazonaws.com' },
          Action: tagSession ? ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'] : 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { 'cognito-identity.amazonaws.com:aud': world.poolId }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } },
        },
      ],
    };
    const res = await standins.iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) }));
    return res.Role?.Arn ?? '';
  }

  function token(claims: Record<string, unknown>): string {
    return standins.tenant.mintIdToken({ claims });
  }

  async function setMapping(mapping: RoleMapping, key = loginsKey): Promise<void> {
    await standins.ci.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: world.poolId, Roles: { authenticated: world.roleArn }, RoleMappings: { [key]: mapping } }));
  }

  const rules = (resolution: 'AuthenticatedRole' | 'Deny', ...list: [string, MappingRule['MatchType'], string, string][]): RoleMapping => ({
    Type: 'Rules',
    AmbiguousRoleResolution: resolution,
    RulesConfiguration: { Rules: list.map(([Claim, MatchType, Value, role]) => ({ Claim, MatchType, Value, RoleARN: roles[role] ?? role })) },
  });

  /** GetId + GetCredentialsForIdentity for the token, then STS GetCallerIdentity with the credentials. */
  async function callerFor(idToken: string, customRoleArn?: string): Promise<string> {
    const Logins = { [loginsKey]: idToken };
    const { IdentityId } = await standins.ci.send(new GetIdCommand({ IdentityPoolId: world.poolId, Logins }));
    const res = await ciOnce.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins, ...(customRoleArn ? { CustomRoleArn: customRoleArn } : {}) }));
    const c = res.Credentials;
    assert.ok(c?.AccessKeyId && c.SecretKey && c.SessionToken);
    const sts = new STSClient({ endpoint: standins.moto.endpoint, region: standins.moto.region, credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretKey, sessionToken: c.SessionToken } });
    try {
      return (await sts.send(new GetCallerIdentityCommand({}))).Arn ?? '';
    } finally {
      sts.destroy();
    }
  }

  /** moto's own model dump: the session tags moto_plus keeps on each assumed role. */
  async function sessionTagsOf(accessKeyId: string): Promise<Record<string, string> | undefined> {
    const res = await fetch(`${standins.moto.endpoint}/moto-api/data.json`);
    const data = (await res.json()) as { sts?: { AssumedRole?: { access_key_id: string; session_tags?: Record<string, string> }[] } };
    return data.sts?.AssumedRole?.find((r) => r.access_key_id === accessKeyId)?.session_tags;
  }

  describe('Rules', function () {
    it('two users with different claims get two different roles (GetCallerIdentity), a third the authenticated role', async function () {
      await setMapping(rules('AuthenticatedRole', ['department', 'Equals', 'engineering', 'admin'], ['department', 'Equals', 'sales', 'viewer']));
      assert.equal(await callerFor(token({ department: 'engineering' })), assumed('admin'));
      assert.equal(await callerFor(token({ department: 'sales' })), assumed('viewer'));
      assert.equal(await callerFor(token({ department: 'legal' })), assumed('rbac-auth'), 'no rule matches: AuthenticatedRole');
      assert.equal(await callerFor(token({})), assumed('rbac-auth'), 'claim missing: no rule matches');
    });

    it('each operator, on a string claim (table)', async function () {
      const table: { op: MappingRule['MatchType']; value: string; claim: unknown; match: boolean }[] = [
        { op: 'Equals', value: 'gold', claim: 'gold', match: true },
        { op: 'Equals', value: 'gold', claim: 'golden', match: false },
        { op: 'Equals', value: 'gold', claim: 'Gold', match: false },
        { op: 'NotEqual', value: 'gold', claim: 'silver', match: true },
        { op: 'NotEqual', value: 'gold', claim: 'gold', match: false },
        { op: 'NotEqual', value: 'gold', claim: undefined, match: false }, // "the rule is not evaluated"
        { op: 'StartsWith', value: 'go', claim: 'gold', match: true },
        { op: 'StartsWith', value: 'ld', claim: 'gold', match: false },
        { op: 'Contains', value: 'ol', claim: 'gold', match: true },
        { op: 'Contains', value: 'xx', claim: 'gold', match: false },
        { op: 'Equals', value: 'true', claim: true, match: true }, // booleans as their JSON text
        { op: 'Equals', value: '42', claim: 42, match: true },
        { op: 'Equals', value: 'admin', claim: ['user', 'admin'], match: true }, // an array: some element
        { op: 'StartsWith', value: 'adm', claim: ['user', 'admin'], match: true },
        { op: 'NotEqual', value: 'admin', claim: ['user', 'admin'], match: false },
        { op: 'NotEqual', value: 'root', claim: ['user', 'admin'], match: true },
        { op: 'Equals', value: 'x', claim: { nested: 'x' }, match: false }, // an object never matches
      ];
      for (const row of table) {
        await setMapping(rules('AuthenticatedRole', ['plan', row.op, row.value, 'editor']));
        const got = await callerFor(token({ plan: row.claim }));
        assert.equal(got, assumed(row.match ? 'editor' : 'rbac-auth'), `${row.op} ${row.value} on ${JSON.stringify(row.claim)}`);
      }
    });

    it('rules are evaluated in order: the first match wins', async function () {
      await setMapping(rules('Deny', ['email', 'Contains', '@', 'viewer'], ['email', 'StartsWith', 'boss', 'admin']));
      assert.equal(await callerFor(token({ email: 'boss@example.com' })), assumed('viewer'));
      await setMapping(rules('Deny', ['email', 'StartsWith', 'boss', 'admin'], ['email', 'Contains', '@', 'viewer']));
      assert.equal(await callerFor(token({ email: 'boss@example.com' })), assumed('admin'));
      assert.equal(await callerFor(token({ email: 'staff@example.com' })), assumed('viewer'));
    });

    it('Deny: a token that matches no rule is NotAuthorizedException "The ambiguous role mapping rules denied this request."', async function () {
      await setMapping(rules('Deny', [ROLES_CLAIM, 'Contains', 'admin', 'admin']));
      assert.equal(await callerFor(token({ [ROLES_CLAIM]: ['admin'] })), assumed('admin'));
      const denied = await failure(callerFor(token({ [ROLES_CLAIM]: ['reader'] })));
      assert.deepEqual([denied.name, denied.status, denied.message], ['NotAuthorizedException', 400, DENIED]);
    });

    it('CustomRoleArn picks among the matching rules; otherwise the first match', async function () {
      await setMapping(rules('Deny', ['tier', 'StartsWith', 'g', 'viewer'], ['tier', 'Equals', 'gold', 'admin']));
      assert.equal(await callerFor(token({ tier: 'gold' }), roles.admin), assumed('admin'));
      assert.equal(await callerFor(token({ tier: 'gold' }), roles.editor), assumed('viewer'), 'not a matching rule: ignored');
    });

    it('a mapping keyed by the IAM OIDC provider ARN applies to the localhost:PORT login too', async function () {
      await setMapping(rules('Deny', ['department', 'Equals', 'ops', 'editor']), world.providerArn);
      assert.equal(await callerFor(token({ department: 'ops' })), assumed('editor'));
      assert.equal((await failure(callerFor(token({ department: 'x' })))).name, 'NotAuthorizedException');
    });

    it('a Logins token that is not a JWT, with a mapping, is NotAuthorizedException (without one it is not read)', async function () {
      await setMapping(rules('AuthenticatedRole', ['department', 'Equals', 'ops', 'editor']));
      const bad = await failure(callerFor('not-a-jwt'));
      assert.deepEqual([bad.name, bad.message], ['NotAuthorizedException', 'Invalid login token. Not a valid OpenId Connect identity token.']);
      await standins.ci.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: world.poolId, Roles: { authenticated: world.roleArn } }));
      assert.equal(await callerFor('not-a-jwt'), assumed('rbac-auth'));
    });
  });

  describe('Token', function () {
    const tokenMapping = (resolution: 'AuthenticatedRole' | 'Deny'): RoleMapping => ({ Type: 'Token', AmbiguousRoleResolution: resolution });

    it('cognito:preferred_role wins; a single cognito:roles is that role; several without a preferred one are ambiguous', async function () {
      await setMapping(tokenMapping('Deny'));
      assert.equal(await callerFor(token({ 'cognito:preferred_role': roles.admin, 'cognito:roles': [roles.viewer, roles.admin] })), assumed('admin'));
      assert.equal(await callerFor(token({ 'cognito:roles': [roles.editor] })), assumed('editor'));
      assert.equal(await callerFor(token({ 'cognito:roles': roles.viewer })), assumed('viewer'), 'the comma-separated string form of the docs');
      const several = await failure(callerFor(token({ 'cognito:roles': [roles.viewer, roles.editor] })));
      assert.deepEqual([several.name, several.message], ['NotAuthorizedException', DENIED]);
      const commaSeparated = await failure(callerFor(token({ 'cognito:roles': `${roles.viewer},${roles.editor}` })));
      assert.equal(commaSeparated.message, DENIED);
      const none = await failure(callerFor(token({})));
      assert.equal(none.message, DENIED, 'no role claims at all');

      await setMapping(tokenMapping('AuthenticatedRole'));
      assert.equal(await callerFor(token({ 'cognito:roles': [roles.viewer, roles.editor] })), assumed('rbac-auth'));
      assert.equal(await callerFor(token({})), assumed('rbac-auth'));
    });

    it('CustomRoleArn: used when it is in cognito:roles, denied when it is not', async function () {
      await setMapping(tokenMapping('AuthenticatedRole'));
      const idToken = token({ 'cognito:roles': [roles.viewer, roles.editor] });
      assert.equal(await callerFor(idToken, roles.editor), assumed('editor'));
      const outside = await failure(callerFor(idToken, roles.admin));
      assert.deepEqual([outside.name, outside.message], ['NotAuthorizedException', DENIED]);
    });
  });

  describe('SetIdentityPoolRoles validation of RoleMappings', function () {
    it('bad MatchType, Claim pattern and lengths, Value lengths: ValidationException; > 25 rules, no RulesConfiguration: InvalidParameterException; nothing stored', async function () {
      const set = (mapping: RoleMapping): Promise<unknown> =>
        ciOnce.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: world.poolId, Roles: { authenticated: world.roleArn }, RoleMappings: { [loginsKey]: mapping } }));
      const one = (Claim: string, MatchType: string, Value: string): RoleMapping => ({
        Type: 'Rules',
        AmbiguousRoleResolution: 'Deny',
        RulesConfiguration: { Rules: [{ Claim, MatchType: MatchType as 'Equals', Value, RoleARN: roles.admin }] },
      });
      const cases: [RoleMapping, string, RegExp][] = [
        [one('dept', 'Matches', 'x'), 'ValidationException', /matchType' failed to satisfy constraint: Member must satisfy enum value set: \[Equals, Contains, StartsWith, NotEqual\]/],
        [one('my claim', 'Equals', 'x'), 'ValidationException', /claim' failed to satisfy constraint: Member must satisfy regular expression pattern/],
        [one('c'.repeat(65), 'Equals', 'x'), 'ValidationException', /Member must have length less than or equal to 64/],
        [one('dept', 'Equals', ''), 'ValidationException', /value' failed to satisfy constraint: Member must have length greater than or equal to 1/],
        [one('dept', 'Equals', 'v'.repeat(129)), 'ValidationException', /Member must have length less than or equal to 128/],
        [{ Type: 'Rules', AmbiguousRoleResolution: 'Deny', RulesConfiguration: { Rules: [] } }, 'ValidationException', /rules' failed to satisfy constraint: Member must have length greater than or equal to 1/],
        [{ Type: 'Rules', AmbiguousRoleResolution: 'Maybe' as 'Deny', RulesConfiguration: one('d', 'Equals', 'x').RulesConfiguration }, 'ValidationException', /Member must satisfy enum value set: \[AuthenticatedRole, Deny\]/],
        [{ Type: 'Rules', AmbiguousRoleResolution: 'Deny' }, 'InvalidParameterException', /RulesConfiguration must be specified/],
        [{ Type: 'Rules', RulesConfiguration: one('d', 'Equals', 'x').RulesConfiguration }, 'InvalidParameterException', /AmbiguousRoleResolution must be specified/],
        [{ Type: 'Token' }, 'InvalidParameterException', /AmbiguousRoleResolution must be specified/],
        [
          { Type: 'Rules', AmbiguousRoleResolution: 'Deny', RulesConfiguration: { Rules: Array.from({ length: 26 }, (_, i) => ({ Claim: 'n', MatchType: 'Equals' as const, Value: String(i), RoleARN: roles.admin })) } },
          'InvalidParameterException',
          /at most 25 rules/,
        ],
      ];
      for (const [mapping, name, message] of cases) {
        const f = await failure(set(mapping));
        assert.equal(f.name, name, JSON.stringify(mapping));
        assert.match(f.message, message);
      }
      // Claims with ':' '/' and non-ASCII letters are fine (letters, marks, symbols, numbers, punctuation).
      await set(one('https://example.com/rôles', 'Contains', 'x'));
      await set(one('cognito:groups', 'Equals', 'x'));
      const stored = await standins.ci.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: world.poolId }));
      assert.deepEqual(stored.RoleMappings?.[loginsKey]?.RulesConfiguration?.Rules?.map((r) => r.Claim), ['cognito:groups'], 'only the last good one is stored');
    });
  });

  describe('attributes for access control', function () {
    it('Set/GetPrincipalTagAttributeMap: custom map, defaults, removal, unknown provider, validation', async function () {
      const key = { IdentityPoolId: world.poolId, IdentityProviderName: loginsKey };
      const missing = await failure(ciOnce.send(new GetPrincipalTagAttributeMapCommand(key)));
      assert.equal(missing.name, 'ResourceNotFoundException', 'no map yet');

      const set = await standins.ci.send(new SetPrincipalTagAttributeMapCommand({ ...key, UseDefaults: false, PrincipalTags: { department: 'department', user: 'sub' } }));
      assert.deepEqual({ ...set, $metadata: undefined }, { ...key, UseDefaults: false, PrincipalTags: { department: 'department', user: 'sub' }, $metadata: undefined });
      const got = await standins.ci.send(new GetPrincipalTagAttributeMapCommand(key));
      assert.deepEqual([got.UseDefaults, got.PrincipalTags], [false, { department: 'department', user: 'sub' }]);

      const defaults = await standins.ci.send(new SetPrincipalTagAttributeMapCommand({ ...key, UseDefaults: true, PrincipalTags: { ignored: 'email' } }));
      assert.deepEqual([defaults.UseDefaults, defaults.PrincipalTags], [true, { client: 'aud', username: 'sub' }]);
      assert.deepEqual((await standins.ci.send(new GetPrincipalTagAttributeMapCommand(key))).PrincipalTags, { client: 'aud', username: 'sub' });

      await standins.ci.send(new SetPrincipalTagAttributeMapCommand({ ...key, UseDefaults: false, PrincipalTags: {} }));
      assert.equal((await failure(ciOnce.send(new GetPrincipalTagAttributeMapCommand(key)))).name, 'ResourceNotFoundException', 'removed');

      const other = await failure(ciOnce.send(new SetPrincipalTagAttributeMapCommand({ ...key, IdentityProviderName: 'accounts.google.com', UseDefaults: true })));
      assert.equal(other.name, 'InvalidParameterException');
      const longKey = await failure(ciOnce.send(new SetPrincipalTagAttributeMapCommand({ ...key, PrincipalTags: { ['k'.repeat(129)]: 'sub' } })));
      assert.equal(longKey.name, 'ValidationException');
      const unknownPool = await failure(ciOnce.send(new GetPrincipalTagAttributeMapCommand({ ...key, IdentityPoolId: 'us-east-1:00000000-0000-0000-0000-000000000000' })));
      assert.equal(unknownPool.name, 'ResourceNotFoundException');
    });

    it('mapped claims become session tags of the assumed role (moto-api data); the role must trust sts:TagSession', async function () {
      const tagged = await createRole('tagged', true);
      await standins.ci.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: world.poolId, Roles: { authenticated: tagged } }));
      await standins.ci.send(new SetPrincipalTagAttributeMapCommand({ IdentityPoolId: world.poolId, IdentityProviderName: loginsKey, PrincipalTags: { dept: 'department', level: 'level', absent: 'nope' } }));
      const Logins = { [loginsKey]: token({ department: 'legal', level: 3 }) };
      const { IdentityId } = await standins.ci.send(new GetIdCommand({ IdentityPoolId: world.poolId, Logins }));
      const res = await standins.ci.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }));
      assert.deepEqual(await sessionTagsOf(res.Credentials?.AccessKeyId ?? ''), { dept: 'legal', level: '3' }, 'a missing claim gives no tag');

      // Defaults: client <- aud, username <- sub.
      await standins.ci.send(new SetPrincipalTagAttributeMapCommand({ IdentityPoolId: world.poolId, IdentityProviderName: loginsKey, UseDefaults: true }));
      const res2 = await standins.ci.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }));
      assert.deepEqual(await sessionTagsOf(res2.Credentials?.AccessKeyId ?? ''), { client: standins.tenant.app.client_id, username: standins.tenant.user.sub });

      // The world's role trusts only sts:AssumeRoleWithWebIdentity: with tags mapped, Cognito cannot tag the session.
      await standins.ci.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: world.poolId, Roles: { authenticated: world.roleArn } }));
      const refused = await failure(ciOnce.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins })));
      assert.deepEqual([refused.name, refused.message], ['InvalidIdentityPoolConfigurationException', 'Invalid identity pool configuration. Check assigned IAM roles for this pool.']);
      // No tags mapped: the same role is fine.
      await standins.ci.send(new SetPrincipalTagAttributeMapCommand({ IdentityPoolId: world.poolId, IdentityProviderName: loginsKey, UseDefaults: false }));
      const untagged = await standins.ci.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }));
      assert.deepEqual(await sessionTagsOf(untagged.Credentials?.AccessKeyId ?? ''), {});
    });
  });
});
