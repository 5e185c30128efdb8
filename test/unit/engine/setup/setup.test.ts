/**
 * The pure parts of the setup wizard's engine: URL normalisation, config validation, snippets,
 * the role trust check, text renderings, and that importing the engine loads no SDK.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { normalizeProviderUrl } from '../../../../src/engine/fixes';
import { roleNameOf } from '../../../../src/engine/aws/names';
import { recommendedTrustPolicy } from '../../../../src/engine/aws/trustPolicy';
import {
  formatInspection,
  formatOutcome,
  formatPlan,
  issuerMatchesDomain,
  MINIMAL_PERMISSIONS_POLICY,
  providerKey,
  SETUP_STEPS,
  snippets,
  STEP_IDS,
  validateSetupConfig,
  type SetupConfig,
} from '../../../../src/engine/setup';
import { trustFindings } from '../../../../src/engine/setup/authenticatedRole';
import { isAuth0TenantDomain } from '../../../../src/engine/setup/connections';
import { managementFromEnv } from '../../../../src/cli/setup';
import { EngineError } from '../../../../src/engine/errors';

const POOL = 'eu-west-1:0a1b2c3d-4e5f-6789-abcd-ef0123456789';

function invalid(input: unknown, message: RegExp): void {
  assert.throws(() => validateSetupConfig(input), (e: unknown) => {
    assert.ok(e instanceof EngineError, String(e));
    assert.equal(e.code, 'INVALID_INPUT');
    assert.match(e.message, message);
    assert.ok(e.hint.length > 0);
    return true;
  });
}

const good = { aws: { region: 'eu-west-1' }, auth0: { domain: 'https://Tenant.EU.auth0.com/', clientId: ' AbCdEfGhIjKlMnOpQrStUvWxYz012345 ' }, names: { poolName: 'My App Pool' } };

describe('setup engine (pure parts)', () => {
  describe('provider URLs, issuers and Logins keys compare normalised', () => {
    it('ignores scheme, a trailing slash and the case of the host, not of the path', () => {
      assert.equal(providerKey('https://Tenant.Auth0.com/'), 'tenant.auth0.com');
      assert.equal(providerKey('tenant.auth0.com'), 'tenant.auth0.com');
      assert.equal(providerKey('https://tenant.auth0.com//'), 'tenant.auth0.com');
      assert.equal(providerKey('https://Login.Example.com/Tenant/'), 'login.example.com/Tenant');
      assert.notEqual(providerKey('https://login.example.com/tenant'), providerKey('https://login.example.com/Tenant'));
      assert.equal(providerKey('localhost:8443'), 'localhost:8443');
    });
    it('matches an issuer to the domain, tenant or custom', () => {
      assert.equal(issuerMatchesDomain('https://tenant.eu.auth0.com/', 'tenant.eu.auth0.com'), true);
      assert.equal(issuerMatchesDomain('https://login.example.com/', 'LOGIN.example.com'), true);
      assert.equal(issuerMatchesDomain('https://tenant.eu.auth0.com/', 'login.example.com'), false);
      assert.equal(isAuth0TenantDomain('tenant.eu.auth0.com'), true);
      assert.equal(isAuth0TenantDomain('login.example.com'), false);
    });
    it('creates providers without the trailing slash (the Logins key form)', () => {
      assert.equal(normalizeProviderUrl('https://tenant.auth0.com/').url, 'https://tenant.auth0.com');
      assert.equal(normalizeProviderUrl('https://Tenant.Auth0.com').url, 'https://tenant.auth0.com');
    });
  });

  describe('config validation', () => {
    it('normalises a good config', () => {
      assert.deepEqual(validateSetupConfig(good), {
        aws: { region: 'eu-west-1' },
        auth0: { domain: 'tenant.eu.auth0.com', clientId: 'AbCdEfGhIjKlMnOpQrStUvWxYz012345' },
        names: { poolName: 'My App Pool' },
      });
      const full = validateSetupConfig({ ...good, aws: { region: 'eu-west-1', profile: 'dev', endpoint: 'http://localhost:4566' }, names: { poolName: 'p', poolId: POOL, roleName: 'arn:aws:iam::123456789012:role/app/my-role' } });
      assert.equal(full.aws.profile, 'dev');
      assert.equal(full.names.poolId, POOL);
      assert.equal(roleNameOf(full.names.roleName ?? ''), 'my-role');
      assert.equal(roleNameOf('plain-name'), 'plain-name');
    });
    it('names the field and the fix for each mistake', () => {
      invalid(null, /The config must be an object/);
      invalid({ ...good, aws: undefined }, /aws must be an object/);
      invalid({ ...good, aws: {} }, /aws\.region is missing/);
      invalid({ ...good, aws: { region: 'Europe' } }, /"Europe" is not an AWS region name/);
      invalid({ ...good, aws: { region: 'eu-west-1', endpoint: 'ftp://x' } }, /must start with http:\/\/ or https:\/\//);
      invalid({ ...good, auth0: { domain: 'http://tenant.auth0.com', clientId: 'x' } }, /must use https/);
      invalid({ ...good, auth0: { domain: 'tenant.auth0.com' } }, /auth0\.clientId is missing/);
      invalid({ ...good, auth0: { domain: 'tenant.auth0.com', clientId: 'has spaces in it' } }, /is not an Auth0 Client ID/);
      invalid({ ...good, auth0: { domain: 'tenant.auth0.com', clientId: 42 } }, /auth0\.clientId must be a string/);
      invalid({ ...good, names: { poolName: 'bad/name' } }, /not a valid identity pool name/);
      invalid({ ...good, names: { poolName: 'p', poolId: 'us-east-1:0a1b2c3d-4e5f-6789-abcd-ef0123456789' } }, /is in us-east-1, but aws\.region is eu-west-1/);
      invalid({ ...good, names: { poolName: 'p', poolId: 'nope' } }, /is not an identity pool id/);
      invalid({ ...good, names: { poolName: 'p', roleName: 'has space' } }, /not an IAM role name or role ARN/);
    });
    it('refuses secrets in the config file', () => {
      invalid({ ...good, auth0: { ...good.auth0, clientSecret: 'x' } }, /must not hold secrets \(auth0\.clientSecret\)/);
      invalid({ ...good, managementToken: 'x' }, /must not hold secrets \(managementToken\)/);
      invalid({ ...good, aws: { region: 'eu-west-1', credentials: {} } }, /must not hold secrets \(aws\.credentials\)/);
    });
    it('takes Management API access from the environment only', () => {
      assert.equal(managementFromEnv({}), undefined);
      assert.deepEqual(managementFromEnv({ AUTH0_MGMT_TOKEN: ' tok ' }), { kind: 'token', token: 'tok' });
      assert.deepEqual(managementFromEnv({ AUTH0_MGMT_CLIENT_ID: 'id', AUTH0_MGMT_CLIENT_SECRET: 's' }), { kind: 'clientCredentials', clientId: 'id', clientSecret: 's' });
      assert.throws(() => managementFromEnv({ AUTH0_MGMT_CLIENT_ID: 'id' }), /AUTH0_MGMT_CLIENT_SECRET is not set/);
    });
  });

  describe('snippets', () => {
    const config: SetupConfig = { aws: { region: 'eu-west-1' }, auth0: { domain: 'tenant.eu.auth0.com', clientId: 'AbCdEfGhIjKlMnOpQrStUvWxYz012345' }, names: { poolName: 'p' } };
    const outputs = { poolId: POOL, loginsKey: 'tenant.eu.auth0.com', roleArn: 'arn:aws:iam::123456789012:role/Cognito_p_Auth_Role' };

    it('TypeScript: fromCognitoIdentityPool with the region, pool id and Logins key', () => {
      const s = snippets(config, outputs);
      assert.ok(s.typescript.includes("import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';"));
      assert.ok(s.typescript.includes('clientConfig: { region: "eu-west-1" }'));
      assert.ok(s.typescript.includes(`identityPoolId: "${POOL}"`));
      assert.ok(s.typescript.includes('logins: { "tenant.eu.auth0.com": idToken }'));
      assert.ok(s.typescript.includes('clientId: "AbCdEfGhIjKlMnOpQrStUvWxYz012345"'));
      assert.ok(s.typescript.includes(outputs.roleArn));
      assert.deepEqual(s.missing, []);
      assert.deepEqual(s.values, { region: 'eu-west-1', identityPoolId: POOL, loginsKey: 'tenant.eu.auth0.com', auth0Domain: 'tenant.eu.auth0.com', clientId: 'AbCdEfGhIjKlMnOpQrStUvWxYz012345', roleArn: outputs.roleArn });
    });
    it('Swift and Kotlin: GetId + GetCredentialsForIdentity with the same values', () => {
      const s = snippets(config, outputs);
      assert.ok(s.swift.includes('import AWSCognitoIdentity'));
      assert.ok(s.swift.includes('CognitoIdentityClientConfiguration(region: "eu-west-1")'));
      assert.ok(s.swift.includes(`identityPoolId: "${POOL}"`));
      assert.ok(s.swift.includes('let logins = ["tenant.eu.auth0.com": idToken]'));
      assert.ok(s.swift.includes('GetCredentialsForIdentityInput('));
      assert.ok(s.kotlin.includes('CognitoIdentityClient { region = "eu-west-1" }'));
      assert.ok(s.kotlin.includes(`identityPoolId = "${POOL}"`));
      assert.ok(s.kotlin.includes('mapOf("tenant.eu.auth0.com" to idToken)'));
      assert.ok(s.kotlin.includes('GetCredentialsForIdentityRequest'));
    });
    it('a custom domain is the Logins key; an unknown pool id is a visible placeholder', () => {
      const s = snippets({ ...config, auth0: { ...config.auth0, domain: 'https://Login.Example.com/' } }, {});
      assert.deepEqual(s.missing, ['identity pool id']);
      assert.ok(s.typescript.includes('identityPoolId: "eu-west-1:IDENTITY-POOL-ID"'));
      assert.ok(s.typescript.includes('logins: { "login.example.com": idToken }'));
      assert.ok(s.typescript.includes('domain: "login.example.com"'));
      // Strings are JSON-escaped: a hostile value cannot break out of the literal.
      const odd = snippets({ ...config, auth0: { ...config.auth0, clientId: 'a"b' } }, outputs);
      assert.ok(odd.typescript.includes('clientId: "a\\"b"'));
    });
  });

  describe('role trust check (the preflight\'s rules)', () => {
    const role = (doc: string) => ({ arn: 'arn:aws:iam::123456789012:role/r', name: 'r', assumeRolePolicyDocument: encodeURIComponent(doc) });
    it('passes the recommended trust policy', () => {
      assert.deepEqual(trustFindings(POOL, 'eu-west-1', role(recommendedTrustPolicy(POOL))).map((r) => r.status), ['pass', 'pass', 'pass']);
    });
    it('flags another pool, a missing aud (security), and a trust for something else', () => {
      assert.ok(trustFindings(POOL, 'eu-west-1', role(recommendedTrustPolicy('eu-west-1:00000000-0000-0000-0000-000000000000'))).some((r) => r.status === 'fail' && r.id === 'role.trust.aud'));
      const noAud = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity' }] });
      assert.ok(trustFindings(POOL, 'eu-west-1', role(noAud)).some((r) => r.status === 'fail' && r.id === 'role.trust.aud' && /Statement 1 \(no Sid\) allows any identity pool in any account/.test(r.message)));
      // The correct statement plus a second unconditioned one is not "this pool's signed-in identities only".
      const loose = JSON.stringify({ Version: '2012-10-17', Statement: [...JSON.parse(recommendedTrustPolicy(POOL)).Statement, JSON.parse(noAud).Statement[0]] });
      assert.ok(trustFindings(POOL, 'eu-west-1', role(loose)).some((r) => r.status === 'fail' && r.id === 'role.trust.aud' && /Statement 2 \(no Sid\)/.test(r.message)));
      const lambda = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
      assert.ok(trustFindings(POOL, 'eu-west-1', role(lambda)).some((r) => r.status === 'fail' && r.id === 'role.trust.principal'));
    });
    it('the minimal permissions policy allows only GetCredentialsForIdentity', () => {
      const p = JSON.parse(MINIMAL_PERMISSIONS_POLICY) as { Statement: Array<{ Effect: string; Action: string[] }> };
      assert.deepEqual(p.Statement.map((s) => [s.Effect, s.Action]), [['Allow', ['cognito-identity:GetCredentialsForIdentity']]]);
    });
  });

  describe('text renderings', () => {
    it('show status, problems with their fix, calls and notes, and never a token', () => {
      const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJl';
      const ins = formatInspection({ step: 'oidcProvider', title: 'IAM OIDC provider', status: 'needs-action', summary: 'S', found: ['F'], values: { providerArn: 'arn:x' }, problems: [{ severity: 'warning', message: 'M', hint: 'H' }], outputs: {} });
      assert.equal(ins, '[NEEDS ACTION] IAM OIDC provider: S\n  - F\n  providerArn: arn:x\n  WARNING: M\n    Fix: H');
      const plan = formatPlan({ subject: { kind: 'setup', step: 'tryIt', outputs: {} }, title: 'Try it', summary: 'P', calls: [{ service: 'cognito-identity', action: 'GetId', params: { Logins: { k: jwt } }, access: 'write' }], changes: [], preconditions: [], alreadyDone: false, warnings: ['W'] }, { title: false, indent: '  ' });
      assert.match(plan, /^Plan: P\n {2}Calls:\n {2}1\. cognito-identity GetId /);
      assert.ok(!plan.includes(jwt));
      assert.match(plan, /Note: W$/);
      const out = formatOutcome({ step: 'authenticatedRole', ok: false, message: 'm', done: ['d'], notDone: ['n'], writeCalls: 1, outputs: {}, error: { code: 'AWS', message: 'E', hint: 'H' } }, 'Authenticated role');
      assert.equal(out, 'FAILED Authenticated role (1 write call)\n  done: d\n  Error: E\n  Fix: H\n  not done: n');
      // Plain sentences stay intact (a general redact() would mask the word after "token:").
      const tryIt = formatInspection({ step: 'tryIt', title: 'Try it', status: 'error', summary: 'Cognito would reject this token: 1 check failed', found: [`pasted ${jwt}`], values: {}, problems: [], outputs: {} });
      assert.equal(tryIt, `[ERROR] Try it: Cognito would reject this token: 1 check failed\n  - pasted <jwt ${jwt.length} chars>`);
    });
  });

  it('has the guide\'s steps in order', () => {
    assert.deepEqual(SETUP_STEPS.map((s) => s.id), [...STEP_IDS]);
    assert.deepEqual(STEP_IDS, ['connections', 'auth0App', 'oidcProvider', 'identityPool', 'authenticatedRole', 'roleMappings', 'tryIt']);
  });

  it('importing the engine, the sign-in and the CLI module loads no SDK', () => {
    const root = path.join(__dirname, '..', '..', '..', '..');
    const code = [
      "require('./src/engine/setup'); require('./src/engine/signin'); require('./src/cli/setup');",
      "const aws = require('./src/engine/aws/config'); const a0 = require('./src/engine/auth0/connection');",
      "const sdk = Object.keys(require.cache).filter((k) => /node_modules[\\\\/](@aws-sdk|auth0|jose)[\\\\/]/.test(k));",
      'process.stdout.write(JSON.stringify({ aws: aws.isAwsLoaded(), auth0: a0.isAuth0Loaded(), sdk: sdk.length }));',
    ].join('\n');
    const out = execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', code], { cwd: root, encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), { aws: false, auth0: false, sdk: 0 });
  });
});
