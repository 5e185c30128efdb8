/**
 * The pure parts of the resources engine: trust-policy analysis, the page-at-a-time lister and
 * the profile list read from the shared config/credentials files.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Lister, analyzeCognitoTrust, listAwsProfiles, parseIni } from '../../src/engine/resources';

const POOL = 'us-east-1:0123abcd-0000-1111-2222-333344445555';

function policy(statements: unknown[]): string {
  return encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: statements }));
}

describe('resources: trust analysis', () => {
  const cognito = (condition?: unknown, extra: Record<string, unknown> = {}) => ({
    Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity', ...(condition ? { Condition: condition } : {}), ...extra,
  });

  it('passes the recommended policy and names the pool and amr', () => {
    const t = analyzeCognitoTrust(policy([cognito({ StringEquals: { 'cognito-identity.amazonaws.com:aud': POOL }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } })]));
    assert.deepEqual(t?.warnings, []);
    assert.equal(t?.summary, `pool ${POOL} · authenticated identities`);
  });

  it('warns without aud, with a wildcard aud, and without amr; keys are case-insensitive, IfExists counts', () => {
    const noAud = analyzeCognitoTrust(policy([cognito({ 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } })]));
    assert.deepEqual(noAud?.warnings.map((w) => w.kind), ['noAud']);
    const wild = analyzeCognitoTrust(policy([cognito({ StringLike: { 'cognito-identity.amazonaws.com:aud': '*', 'cognito-identity.amazonaws.com:amr': 'authenticated' } })]));
    assert.deepEqual(wild?.warnings.map((w) => w.kind), ['audWildcard']);
    const none = analyzeCognitoTrust(policy([cognito()]));
    assert.deepEqual(none?.warnings.map((w) => w.kind), ['noAud', 'noAmr']);
    const cased = analyzeCognitoTrust(policy([cognito({ StringEquals: { 'Cognito-Identity.amazonaws.com:AUD': POOL }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'unauthenticated' } })]));
    assert.deepEqual(cased?.warnings, []);
    assert.equal(cased?.summary, `pool ${POOL} · unauthenticated identities`);
    // IfExists holds when the key is absent, a StringLike wildcard matches other pools: not a pin (trustPolicy.ts).
    const ifExists = analyzeCognitoTrust(policy([cognito({ StringEqualsIfExists: { 'cognito-identity.amazonaws.com:aud': POOL }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } })]));
    assert.deepEqual(ifExists?.warnings.map((w) => w.kind), ['audWildcard']);
    const region = analyzeCognitoTrust(policy([cognito({ StringLike: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:*' }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } })]));
    assert.match(region?.warnings[0]?.message ?? '', /Statement 1 \(no Sid\).*any identity pool whose id matches "us-east-1:\*"/);
    const forAll = analyzeCognitoTrust(policy([cognito({ StringEquals: { 'cognito-identity.amazonaws.com:aud': POOL }, 'ForAllValues:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } })]));
    assert.deepEqual(forAll?.warnings.map((w) => w.kind), ['noAmr']);
  });

  it('a negative operator is no restriction; one loose statement of two is flagged', () => {
    const neg = analyzeCognitoTrust(policy([cognito({ StringNotEquals: { 'cognito-identity.amazonaws.com:aud': POOL }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } })]));
    assert.deepEqual(neg?.warnings.map((w) => w.kind), ['noAud']);
    const two = analyzeCognitoTrust(policy([
      cognito({ StringEquals: { 'cognito-identity.amazonaws.com:aud': POOL }, 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } }),
      cognito({ 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } }),
    ]));
    assert.match(two?.warnings[0]?.message ?? '', /No aud condition in Statement 2 \(no Sid\)/);
  });

  it('ignores roles that do not trust Cognito (services, Deny, other OIDC providers); lists Principal "*" with a warning', () => {
    assert.equal(analyzeCognitoTrust(policy([{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }])), undefined);
    assert.equal(analyzeCognitoTrust(policy([{ ...cognito(), Effect: 'Deny' }])), undefined);
    assert.equal(analyzeCognitoTrust(policy([{ ...cognito(), Principal: { Federated: 'arn:aws:iam::1:oidc-provider/x' } }])), undefined);
    // Principal "*" lets cognito-identity.amazonaws.com in too (with anyone else): IAM evaluates it.
    assert.deepEqual(analyzeCognitoTrust(policy([{ ...cognito(), Principal: '*' }]))?.warnings.map((w) => w.kind), ['noAud', 'noAmr']);
    assert.equal(analyzeCognitoTrust(policy([{ ...cognito(), Principal: '*', Action: 'sts:AssumeRole' }])), undefined);
    assert.ok(analyzeCognitoTrust(policy([{ ...cognito(), Principal: { Federated: ['accounts.google.com', 'cognito-identity.amazonaws.com'] } }])));
  });

  it('keeps an unreadable policy that mentions cognito-identity, with a warning', () => {
    const t = analyzeCognitoTrust('%7B%22cognito-identity.amazonaws.com%22 not json');
    assert.deepEqual(t?.warnings.map((w) => w.kind), ['notParsed']);
    assert.equal(analyzeCognitoTrust('not json at all'), undefined);
  });
});

describe('resources: Lister', () => {
  /** A source of `total` numbers in AWS pages of `per`. */
  function source(total: number, per: number) {
    const calls: (string | undefined)[] = [];
    const fetch = async (token: string | undefined) => {
      calls.push(token);
      const start = Number(token ?? 0);
      const items = Array.from({ length: Math.max(0, Math.min(per, total - start)) }, (_, i) => start + i);
      return { items, token: start + per < total ? String(start + per) : undefined };
    };
    return { calls, fetch };
  }

  it('serves pages of 50 from AWS pages of 60, keeping the rest for the next page', async () => {
    const src = source(130, 60);
    const l = new Lister(src.fetch, 50);
    assert.deepEqual((await l.next()).length, 50);
    assert.equal(src.calls.length, 1);
    assert.deepEqual((await l.next())[0], 50);
    assert.equal(src.calls.length, 2);
    const last = await l.next();
    assert.deepEqual([last.length, last[last.length - 1]], [30, 129]);
    assert.equal(src.calls.length, 3);
    assert.equal(l.done, true);
    assert.deepEqual(await l.next(), []);
    assert.equal(src.calls.length, 3, 'no call once done');
  });

  it('concurrent next() calls share one load; a failed load is retried by the next call', async () => {
    const src = source(10, 5);
    let fail = true;
    const l = new Lister(async (t: string | undefined) => {
      if (fail) {
        fail = false;
        throw new Error('boom');
      }
      return src.fetch(t);
    }, 4);
    await assert.rejects(l.next(), /boom/);
    const [a, b] = await Promise.all([l.next(), l.next()]);
    assert.equal(a, b);
    assert.equal(l.items.length, 4);
  });

  it('stops at its call budget and says it is not done', async () => {
    const src = source(1000, 10);
    const l = new Lister(async (t: string | undefined) => ({ ...(await src.fetch(t)), items: [] as number[] }), 50, 3);
    assert.deepEqual(await l.next(), []);
    assert.equal(src.calls.length, 3);
    assert.equal(l.done, false);
  });
});

describe('resources: AWS profiles from the shared files', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'a0c-profiles-'));
    fs.writeFileSync(path.join(dir, 'config'), [
      '[default]', 'region = eu-west-1', '',
      '# comment', '[profile dev-sso]', 'sso_session = corp', 'sso_account_id = 111122223333', 'region=us-west-2',
      '[sso-session corp]', 'sso_start_url = https://corp.awsapps.com/start',
      '[profile legacy-sso]', 'sso_start_url = https://x.awsapps.com/start',
      '[profile admin]', 'role_arn = arn:aws:iam::1:role/Admin', 'source_profile = default',
      '[profile tool]', 'credential_process = /bin/creds', 's3 =', '  max_concurrent_requests = 20',
      '[services local]', 'sts =', '  endpoint_url = http://localhost:4566',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'credentials'), ['[default]', 'aws_access_key_id = AKIAEXAMPLE', 'aws_secret_access_key = x', '[ci]', 'aws_access_key_id=AKIA2'].join('\r\n'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lists config and credentials profiles (SSO included), default first, and skips sso-session/services sections', async () => {
    const list = await listAwsProfiles({ configFile: path.join(dir, 'config'), credentialsFile: path.join(dir, 'credentials') });
    assert.deepEqual(list.map((p) => [p.name, p.kind, p.region ?? '', p.sources.join('+')]), [
      ['default', 'keys', 'eu-west-1', 'config+credentials'],
      ['admin', 'assume-role', '', 'config'],
      ['ci', 'keys', '', 'credentials'],
      ['dev-sso', 'sso', 'us-west-2', 'config'],
      ['legacy-sso', 'sso', '', 'config'],
      ['tool', 'process', '', 'config'],
    ]);
  });

  it('follows AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE; missing files are no profiles', async () => {
    const env = { AWS_CONFIG_FILE: path.join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'nope') };
    assert.equal((await listAwsProfiles({ env })).length, 5);
    assert.deepEqual(await listAwsProfiles({ configFile: path.join(dir, 'x'), credentialsFile: path.join(dir, 'y') }), []);
  });

  it('parseIni ignores indented sub-settings', () => {
    const ini = parseIni('[profile a]\ns3 =\n  addressing_style = path\nregion = x\n');
    assert.deepEqual(ini.get('profile a'), { s3: '', region: 'x' });
  });
});
