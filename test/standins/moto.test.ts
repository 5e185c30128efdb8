/**
 * The moto stand-in (moto_server plus test/standins/moto_plus.py), driven by the real AWS
 * SDK v3 clients over the wire: every call the extension relies on, including the ones
 * moto_plus adds (SetIdentityPoolRoles/GetIdentityPoolRoles, ListIdentityPools paging,
 * Add/RemoveClientIDTo/FromOpenIDConnectProvider, ResourceNotFoundException for unknown
 * pools; role mappings, principal tags and the role GetCredentialsForIdentity chooses are in
 * rolemapping.test.ts), plus the places where the stand-in is more lenient than AWS (see the list at the
 * top of test/standins/moto.ts). Tests named "gap:" pin that leniency so that a moto
 * upgrade that changes it is noticed; none of them is a statement about real AWS.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  AddClientIDToOpenIDConnectProviderCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  DeleteOpenIDConnectProviderCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetOpenIDConnectProviderCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListOpenIDConnectProvidersCommand,
  ListRolesCommand,
  PutRolePolicyCommand,
  RemoveClientIDFromOpenIDConnectProviderCommand,
  UpdateOpenIDConnectProviderThumbprintCommand,
  type Role,
} from '@aws-sdk/client-iam';
import {
  CognitoIdentityClient,
  CreateIdentityPoolCommand,
  DeleteIdentityPoolCommand,
  DescribeIdentityPoolCommand,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  GetIdentityPoolRolesCommand,
  ListIdentitiesCommand,
  ListIdentityPoolsCommand,
  SetIdentityPoolRolesCommand,
  UpdateIdentityPoolCommand,
  type IdentityPoolShortDescription,
  type ListIdentityPoolsCommandInput,
  type SetIdentityPoolRolesCommandInput,
} from '@aws-sdk/client-cognito-identity';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { awsClientConfig, findOrInstallMoto, MOTO_ACCOUNT_ID, startMoto, type Moto } from './moto';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const CLIENT_ID = 'c1ientIdOfTheAuth0Application';
const UNKNOWN_POOL = 'us-east-1:00000000-0000-0000-0000-000000000000';
const THUMBPRINT = '9e99a48a9960b14926bb7f3b02e22da2b0ab7280';

/** A JWT-shaped string: moto never looks inside it, so the signature is junk. */
function fakeJwt(claims: Record<string, unknown>): string {
  const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'RS256', typ: 'JWT', kid: 'k1' })}.${b64(claims)}.${Buffer.from('not a signature').toString('base64url')}`;
}

/** The authenticated-role trust policy from the AWS docs (domain.md). */
function cognitoTrustPolicy(identityPoolId: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: 'cognito-identity.amazonaws.com' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { 'cognito-identity.amazonaws.com:aud': identityPoolId },
          'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
        },
      },
    ],
  });
}

/** HTTP status of a failed SDK call, and its error name. */
async function failure(p: Promise<unknown>): Promise<{ status: number | undefined; name: string; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number } };
    return { status: err.$metadata?.httpStatusCode, name: err.name, message: err.message };
  }
  assert.fail('expected the call to fail');
}

function portIsOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** ListIdentityPools, following NextToken as the extension must. */
async function listAllPools(ci: CognitoIdentityClient): Promise<{ pools: IdentityPoolShortDescription[]; pages: number }> {
  const pools: IdentityPoolShortDescription[] = [];
  let NextToken: string | undefined;
  let pages = 0;
  do {
    const res = await ci.send(new ListIdentityPoolsCommand({ MaxResults: 60, NextToken }));
    pages++;
    pools.push(...(res.IdentityPools ?? []));
    NextToken = res.NextToken;
  } while (NextToken);
  return { pools, pages };
}

async function listAllRoles(iam: IAMClient, MaxItems = 100): Promise<{ roles: Role[]; pages: number }> {
  const roles: Role[] = [];
  let Marker: string | undefined;
  let pages = 0;
  do {
    const res = await iam.send(new ListRolesCommand({ MaxItems, Marker }));
    pages++;
    roles.push(...(res.Roles ?? []));
    Marker = res.IsTruncated ? res.Marker : undefined;
  } while (Marker);
  return { roles, pages };
}

describe('moto stand-in: IAM, Cognito Identity and STS over the wire', function () {
  let moto: Moto;
  let iam: IAMClient;
  let ci: CognitoIdentityClient;
  let sts: STSClient;
  /** Clients that do not retry: moto answers unimplemented actions with HTTP 500, which the SDK retries. */
  let iamOnce: IAMClient;
  let ciOnce: CognitoIdentityClient;
  /** What an Auth0 tenant would be: https://localhost:PORT, Logins key localhost:PORT. */
  let providerUrl: string;
  let loginsKey: string;
  let idToken: string;

  before(async function () {
    this.timeout(15 * 60_000); // a first run installs moto (about a minute)
    await findOrInstallMoto();
    const t0 = Date.now();
    moto = await startMoto();
    process.stderr.write(`      (moto started in ${Date.now() - t0} ms on ${moto.endpoint})\n`);
    const cfg = awsClientConfig(moto);
    iam = new IAMClient(cfg);
    ci = new CognitoIdentityClient(cfg);
    sts = new STSClient(cfg);
    iamOnce = new IAMClient({ ...cfg, maxAttempts: 1 });
    ciOnce = new CognitoIdentityClient({ ...cfg, maxAttempts: 1 });
    loginsKey = `localhost:${moto.port}`;
    providerUrl = `https://${loginsKey}`;
    const now = Math.floor(Date.now() / 1000);
    idToken = fakeJwt({ iss: `${providerUrl}/`, sub: 'auth0|u1', aud: CLIENT_ID, iat: now, exp: now + 3600 });
  });

  after(async function () {
    await moto?.stop();
  });

  beforeEach(async function () {
    await moto.reset();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') process.stderr.write(`--- moto log tail ---\n${moto.logTail(3000)}\n`);
  });

  describe('the stand-in itself', function () {
    it('awsClientConfig gives endpoint, region and the fake credentials', function () {
      assert.deepEqual(awsClientConfig(moto), {
        endpoint: `http://127.0.0.1:${moto.port}`,
        region: 'us-east-1',
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      });
    });

    it('reset() forgets every resource', async function () {
      await iam.send(new CreateOpenIDConnectProviderCommand({ Url: providerUrl, ClientIDList: [CLIENT_ID] }));
      await ci.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'before_reset', AllowUnauthenticatedIdentities: false }));
      await moto.reset();
      assert.deepEqual((await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList, []);
      assert.deepEqual((await ci.send(new ListIdentityPoolsCommand({ MaxResults: 60 }))).IdentityPools, []);
    });

    it('a second server starts, and stop() leaves no process and no listener', async function () {
      this.timeout(120_000);
      const t0 = Date.now();
      const other = await startMoto();
      const startupMs = Date.now() - t0;
      process.stderr.write(`      (second moto started in ${startupMs} ms)\n`);
      assert.notEqual(other.port, moto.port);
      const pid = other.pid;
      assert.ok(pid, 'has a pid');
      assert.ok(processAlive(pid));
      const res = await fetch(`${other.endpoint}/moto-api/data.json`);
      assert.equal(res.status, 200);
      await res.arrayBuffer();
      await other.stop();
      await other.stop(); // twice is fine
      assert.equal(processAlive(pid), false, 'moto_server process is gone');
      assert.equal(await portIsOpen(other.port), false, 'port is closed');
      await assert.rejects(other.reset(), /not running/);
    });

    it('a start failure says why, with the tail of moto\'s output', async function () {
      this.timeout(60_000);
      // moto cannot bind a port that is already taken.
      const blocker = net.createServer();
      await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
      const addr = blocker.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      try {
        await assert.rejects(startMoto({ port, startTimeoutMs: 20_000 }), (e: Error) => {
          assert.match(e.message, /moto_server .* on port \d+/);
          assert.match(e.message, /--- moto output \(tail\) ---/);
          assert.match(e.message, /in use|exited early|did not answer/i);
          return true;
        });
      } finally {
        blocker.close();
      }
    });

    it('serve-moto CLI writes the JSON, serves, and its moto dies with it (SIGTERM, and SIGKILL)', async function () {
      this.timeout(120_000);
      for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serve-moto-'));
        const out = path.join(dir, 'moto.json');
        // node --import tsx (not the tsx CLI, which adds a supervisor process) so the
        // signal reaches the process that started moto.
        const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'test/standins/serve-moto.ts'), '--out', out], {
          cwd: REPO_ROOT,
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        try {
          await eventually(`serve-moto writes ${out} (stderr: ${stderr})`, () => fs.existsSync(out), 60_000);
          const info = JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, string>;
          assert.deepEqual(Object.keys(info).sort(), ['accessKeyId', 'endpoint', 'region', 'secretAccessKey']);
          assert.equal(info.region, 'us-east-1');
          const port = Number(new URL(info.endpoint ?? '').port);
          const cli = new STSClient({
            endpoint: info.endpoint,
            region: info.region,
            credentials: { accessKeyId: info.accessKeyId ?? '', secretAccessKey: info.secretAccessKey ?? '' },
          });
          assert.equal((await cli.send(new GetCallerIdentityCommand({}))).Account, MOTO_ACCOUNT_ID);
          cli.destroy();
          child.kill(signal);
          await exited;
          await eventually(`moto on port ${port} goes away after ${signal} of its parent`, async () => !(await portIsOpen(port)), 15_000);
          if (signal === 'SIGTERM') assert.equal(fs.existsSync(out), false, '--out file removed on exit');
        } finally {
          child.kill('SIGKILL');
          fs.rmSync(dir, { recursive: true, force: true });
        }
      }
    });
  });

  describe('IAM OpenID Connect providers', function () {
    it('create (without and with ThumbprintList), list, get, update thumbprint, delete', async function () {
      const created = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: providerUrl, ClientIDList: [CLIENT_ID] }));
      const arn = created.OpenIDConnectProviderArn ?? '';
      assert.equal(arn, `arn:aws:iam::${MOTO_ACCOUNT_ID}:oidc-provider/${loginsKey}`);

      const withThumb = await iam.send(
        new CreateOpenIDConnectProviderCommand({ Url: 'https://tenant.example.auth0.com', ClientIDList: [CLIENT_ID], ThumbprintList: [THUMBPRINT] }),
      );
      const arn2 = withThumb.OpenIDConnectProviderArn ?? '';
      assert.equal(arn2, `arn:aws:iam::${MOTO_ACCOUNT_ID}:oidc-provider/tenant.example.auth0.com`);

      const listed = await iam.send(new ListOpenIDConnectProvidersCommand({}));
      assert.deepEqual((listed.OpenIDConnectProviderList ?? []).map((p) => p.Arn).sort(), [arn, arn2].sort());

      const got = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
      assert.equal(got.Url, loginsKey, 'Url comes back without https:// (as in IAM)');
      assert.deepEqual(got.ClientIDList, [CLIENT_ID]);
      assert.deepEqual(got.ThumbprintList ?? [], [], 'moto stores no thumbprint when none is given (IAM would fetch one)');
      assert.ok(got.CreateDate instanceof Date);
      const got2 = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn2 }));
      assert.deepEqual(got2.ThumbprintList, [THUMBPRINT]);

      const newThumb = 'a'.repeat(40);
      await iam.send(new UpdateOpenIDConnectProviderThumbprintCommand({ OpenIDConnectProviderArn: arn, ThumbprintList: [THUMBPRINT, newThumb] }));
      const updated = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
      assert.deepEqual(updated.ThumbprintList, [THUMBPRINT, newThumb]);

      await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
      const after = await iam.send(new ListOpenIDConnectProvidersCommand({}));
      assert.deepEqual((after.OpenIDConnectProviderList ?? []).map((p) => p.Arn), [arn2]);
      const gone = await failure(iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })));
      assert.equal(gone.name, 'NoSuchEntityException');
      assert.equal(gone.status, 404);
    });

    it('a second provider for the same URL is EntityAlreadyExists', async function () {
      await iam.send(new CreateOpenIDConnectProviderCommand({ Url: providerUrl, ClientIDList: [CLIENT_ID] }));
      const dup = await failure(iam.send(new CreateOpenIDConnectProviderCommand({ Url: providerUrl, ClientIDList: ['other'] })));
      assert.equal(dup.name, 'EntityAlreadyExistsException');
      assert.equal(dup.status, 409);
    });

    it('AddClientIDToOpenIDConnectProvider / RemoveClientIDFromOpenIDConnectProvider: round trip, idempotent', async function () {
      const { OpenIDConnectProviderArn: arn } = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: providerUrl, ClientIDList: [CLIENT_ID] }));
      const clientIds = async (): Promise<string[] | undefined> =>
        (await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }))).ClientIDList;

      const added = await iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'second-client' }));
      assert.equal(added.$metadata.httpStatusCode, 200);
      assert.deepEqual(await clientIds(), [CLIENT_ID, 'second-client']);
      // Adding an ID that is already there is a no-op, not an error (IAM API reference).
      await iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'second-client' }));
      assert.deepEqual(await clientIds(), [CLIENT_ID, 'second-client']);

      await iam.send(new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: CLIENT_ID }));
      assert.deepEqual(await clientIds(), ['second-client']);
      // Removing an ID that is not there is a no-op too.
      await iam.send(new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'never-added' }));
      await iam.send(new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: CLIENT_ID }));
      assert.deepEqual(await clientIds(), ['second-client']);
      // The last one can go: the list may be empty.
      await iam.send(new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'second-client' }));
      assert.deepEqual((await clientIds()) ?? [], []);
    });

    it('Add/RemoveClientID errors: NoSuchEntity (unknown ARN), ValidationError (lengths), LimitExceeded (101st ID)', async function () {
      this.timeout(60_000);
      const { OpenIDConnectProviderArn: arn } = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: providerUrl, ClientIDList: [CLIENT_ID] }));
      const unknownArn = `arn:aws:iam::${MOTO_ACCOUNT_ID}:oidc-provider/nobody.example.com`;
      for (const send of [
        () => iamOnce.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: unknownArn, ClientID: 'x' })),
        () => iamOnce.send(new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: unknownArn, ClientID: 'x' })),
      ]) {
        const err = await failure(send());
        assert.equal(err.name, 'NoSuchEntityException');
        assert.equal(err.status, 404);
        assert.match(err.message, /OpenIDConnect Provider not found for arn arn:aws:iam::123456789012:oidc-provider\/nobody\.example\.com/);
      }

      const tooLong = await failure(iamOnce.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'c'.repeat(256) })));
      assert.equal(tooLong.name, 'ValidationError');
      assert.equal(tooLong.status, 400);
      assert.match(tooLong.message, /^1 validation error detected: Value '.*' at 'clientID' failed to satisfy constraint: Member must have length less than or equal to 255$/);
      const empty = await failure(iamOnce.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: '' })));
      assert.equal(empty.name, 'ValidationError');
      const shortArn = await failure(iamOnce.send(new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: 'arn:short', ClientID: 'x' })));
      assert.equal(shortArn.name, 'ValidationError');
      assert.match(shortArn.message, /at 'openIDConnectProviderArn' failed to satisfy constraint: Member must have length greater than or equal to 20/);

      // At most 100 client IDs per provider: the 101st is LimitExceeded (409), and nothing changes.
      for (let i = 1; i < 100; i++) {
        await iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: `client-${i}` }));
      }
      const full = (await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }))).ClientIDList ?? [];
      assert.equal(full.length, 100);
      const over = await failure(iamOnce.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'one-too-many' })));
      assert.equal(over.name, 'LimitExceededException');
      assert.equal(over.status, 409);
      assert.match(over.message, /Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100/);
      // Re-adding an existing ID at the limit is still a no-op, not LimitExceeded.
      await iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: CLIENT_ID }));
      assert.deepEqual((await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }))).ClientIDList, full);
    });

    it('gap: accepts http://, a port, a query string, short non-hex thumbprints; rejects only > 5 or > 40 chars', async function () {
      const ok = async (input: { Url: string; ThumbprintList?: string[] }): Promise<string> =>
        (await iam.send(new CreateOpenIDConnectProviderCommand({ ...input, ClientIDList: [CLIENT_ID] }))).OpenIDConnectProviderArn ?? '';
      // IAM requires https://, allows no port and no query string; moto takes all of them.
      assert.match(await ok({ Url: 'http://plain-http.example.com' }), /oidc-provider\/plain-http\.example\.com$/);
      assert.match(await ok({ Url: providerUrl }), new RegExp(`oidc-provider/localhost:${moto.port}$`));
      assert.match(await ok({ Url: 'https://query.example.com/p?x=1' }), /oidc-provider\/query\.example\.com\/p$/, 'query silently dropped');
      // A trailing slash makes a different provider (ARN ends with '/').
      assert.match(await ok({ Url: `${providerUrl}/` }), new RegExp(`oidc-provider/localhost:${moto.port}/$`));
      // Thumbprints: only the count (> 5) and length (> 40) are checked.
      await ok({ Url: 'https://short-thumb.example.com', ThumbprintList: ['zz'] });
      await ok({ Url: 'https://five.example.com', ThumbprintList: Array<string>(5).fill(THUMBPRINT) });
      const six = await failure(ok({ Url: 'https://six.example.com', ThumbprintList: Array<string>(6).fill(THUMBPRINT) }));
      assert.equal(six.name, 'InvalidInputException');
      const long = await failure(ok({ Url: 'https://long.example.com', ThumbprintList: ['a'.repeat(41)] }));
      assert.equal(long.name, 'ValidationError');
      const noScheme = await failure(ok({ Url: 'no-scheme.example.com' }));
      assert.equal(noScheme.name, 'ValidationError');
      // UpdateOpenIDConnectProviderThumbprint checks nothing at all.
      const arn = await ok({ Url: 'https://update.example.com' });
      await iam.send(new UpdateOpenIDConnectProviderThumbprintCommand({ OpenIDConnectProviderArn: arn, ThumbprintList: Array<string>(7).fill('x') }));
      const got = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
      assert.equal(got.ThumbprintList?.length, 7);
    });

    it('deleting an unknown provider succeeds (IAM API reference: idempotent)', async function () {
      await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: `arn:aws:iam::${MOTO_ACCOUNT_ID}:oidc-provider/nobody.example.com` }));
    });
  });

  describe('IAM roles', function () {
    it('CreateRole with the Cognito trust policy, GetRole (policy URL-encoded), PutRolePolicy, DeleteRole', async function () {
      const poolId = 'us-east-1:11111111-2222-3333-4444-555555555555';
      const trust = cognitoTrustPolicy(poolId);
      const created = await iam.send(new CreateRoleCommand({ RoleName: 'auth0-cognito-authenticated', AssumeRolePolicyDocument: trust, Description: 'test' }));
      assert.equal(created.Role?.Arn, `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/auth0-cognito-authenticated`);

      const got = await iam.send(new GetRoleCommand({ RoleName: 'auth0-cognito-authenticated' }));
      const doc = got.Role?.AssumeRolePolicyDocument ?? '';
      // Like real IAM, the document comes back URL-encoded: decode before JSON.parse.
      assert.ok(doc.startsWith('%7B'), `URL-encoded: ${doc.slice(0, 20)}`);
      assert.deepEqual(JSON.parse(decodeURIComponent(doc)), JSON.parse(trust));
      assert.equal(decodeURIComponent(created.Role?.AssumeRolePolicyDocument ?? ''), trust, 'CreateRole echoes it URL-encoded too');

      const permissions = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::bucket/*'] }],
      });
      await iam.send(new PutRolePolicyCommand({ RoleName: 'auth0-cognito-authenticated', PolicyName: 'app', PolicyDocument: permissions }));
      const policy = await iam.send(new GetRolePolicyCommand({ RoleName: 'auth0-cognito-authenticated', PolicyName: 'app' }));
      assert.deepEqual(JSON.parse(decodeURIComponent(policy.PolicyDocument ?? '')), JSON.parse(permissions));

      const conflict = await failure(iam.send(new DeleteRoleCommand({ RoleName: 'auth0-cognito-authenticated' })));
      assert.equal(conflict.name, 'DeleteConflictException', 'inline policies must go first, as in IAM');
      await iam.send(new DeleteRolePolicyCommand({ RoleName: 'auth0-cognito-authenticated', PolicyName: 'app' }));
      await iam.send(new DeleteRoleCommand({ RoleName: 'auth0-cognito-authenticated' }));
      const gone = await failure(iam.send(new GetRoleCommand({ RoleName: 'auth0-cognito-authenticated' })));
      assert.equal(gone.name, 'NoSuchEntityException');
    });

    it('ListRoles pages with Marker/MaxItems over 120 roles', async function () {
      this.timeout(60_000);
      const names = Array.from({ length: 120 }, (_, i) => `role-${String(i).padStart(3, '0')}`);
      for (const RoleName of names) {
        await iam.send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: cognitoTrustPolicy(`us-east-1:${RoleName}`) }));
      }
      const first = await iam.send(new ListRolesCommand({ MaxItems: 50 }));
      assert.equal(first.Roles?.length, 50);
      assert.equal(first.IsTruncated, true);
      assert.ok(first.Marker);
      const { roles, pages } = await listAllRoles(iam, 50);
      assert.equal(pages, 3);
      assert.deepEqual(roles.map((r) => r.RoleName).sort(), names, 'every role exactly once');
      // Without MaxItems: pages of 100.
      const { pages: defaultPages } = await listAllRoles(iam, 100);
      assert.equal(defaultPages, 2);
    });

    it('gap: CreateRole takes any trust policy text, even not JSON', async function () {
      const r = await iam.send(new CreateRoleCommand({ RoleName: 'junk-trust', AssumeRolePolicyDocument: 'not json' }));
      assert.equal(decodeURIComponent(r.Role?.AssumeRolePolicyDocument ?? ''), 'not json');
    });
  });

  describe('Cognito identity pools', function () {
    async function createProvider(): Promise<string> {
      const res = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: providerUrl, ClientIDList: [CLIENT_ID] }));
      return res.OpenIDConnectProviderArn ?? '';
    }

    it('CreateIdentityPool, DescribeIdentityPool, UpdateIdentityPool', async function () {
      const providerArn = await createProvider();
      const created = await ci.send(
        new CreateIdentityPoolCommand({
          IdentityPoolName: 'auth0_pool',
          AllowUnauthenticatedIdentities: false,
          AllowClassicFlow: false,
          OpenIdConnectProviderARNs: [providerArn],
        }),
      );
      const poolId = created.IdentityPoolId ?? '';
      assert.match(poolId, /^us-east-1:[0-9a-f-]{36}$/);
      assert.equal(created.AllowUnauthenticatedIdentities, false);
      assert.deepEqual(created.OpenIdConnectProviderARNs, [providerArn]);

      const described = await ci.send(new DescribeIdentityPoolCommand({ IdentityPoolId: poolId }));
      assert.equal(described.IdentityPoolName, 'auth0_pool');
      assert.equal(described.AllowUnauthenticatedIdentities, false);
      assert.deepEqual(described.OpenIdConnectProviderARNs, [providerArn]);
      assert.equal(described.AllowClassicFlow, undefined, 'gap: moto neither stores nor returns AllowClassicFlow');

      const otherArn = `arn:aws:iam::${MOTO_ACCOUNT_ID}:oidc-provider/not-created.example.com`;
      const updated = await ci.send(
        new UpdateIdentityPoolCommand({
          IdentityPoolId: poolId,
          IdentityPoolName: 'auth0_pool',
          AllowUnauthenticatedIdentities: false,
          AllowClassicFlow: false,
          OpenIdConnectProviderARNs: [providerArn, otherArn],
        }),
      );
      assert.deepEqual(updated.OpenIdConnectProviderARNs, [providerArn, otherArn], 'gap: no check that the ARN exists in IAM');
      const again = await ci.send(new DescribeIdentityPoolCommand({ IdentityPoolId: poolId }));
      assert.deepEqual(again.OpenIdConnectProviderARNs, [providerArn, otherArn]);

      const missing = await failure(ci.send(new DescribeIdentityPoolCommand({ IdentityPoolId: 'us-east-1:00000000-0000-0000-0000-000000000000' })));
      assert.equal(missing.name, 'ResourceNotFoundException');
    });

    it('gap: UpdateIdentityPool cannot rename (an unknown pool is ResourceNotFoundException, as in AWS)', async function () {
      const { IdentityPoolId } = await ci.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'old_name', AllowUnauthenticatedIdentities: false }));
      const res = await ci.send(new UpdateIdentityPoolCommand({ IdentityPoolId, IdentityPoolName: 'new_name', AllowUnauthenticatedIdentities: false }));
      assert.equal(res.IdentityPoolName, 'old_name');
      const err = await failure(
        ciOnce.send(new UpdateIdentityPoolCommand({ IdentityPoolId: UNKNOWN_POOL, IdentityPoolName: 'x', AllowUnauthenticatedIdentities: false })),
      );
      assert.equal(err.name, 'ResourceNotFoundException');
      assert.equal(err.status, 400);
      assert.equal(err.message, `IdentityPool '${UNKNOWN_POOL}' not found.`);
    });

    it('an unknown pool id is ResourceNotFoundException (400) everywhere; a malformed one is ValidationException', async function () {
      const calls: [string, () => Promise<unknown>][] = [
        ['GetId', () => ciOnce.send(new GetIdCommand({ IdentityPoolId: UNKNOWN_POOL, Logins: { [loginsKey]: idToken } }))],
        ['DescribeIdentityPool', () => ciOnce.send(new DescribeIdentityPoolCommand({ IdentityPoolId: UNKNOWN_POOL }))],
        ['DeleteIdentityPool', () => ciOnce.send(new DeleteIdentityPoolCommand({ IdentityPoolId: UNKNOWN_POOL }))],
        ['ListIdentities', () => ciOnce.send(new ListIdentitiesCommand({ IdentityPoolId: UNKNOWN_POOL, MaxResults: 60 }))],
        ['GetIdentityPoolRoles', () => ciOnce.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: UNKNOWN_POOL }))],
        ['SetIdentityPoolRoles', () => ciOnce.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: UNKNOWN_POOL, Roles: {} }))],
      ];
      for (const [name, call] of calls) {
        const err = await failure(call());
        assert.deepEqual([name, err.name, err.status, err.message], [name, 'ResourceNotFoundException', 400, `IdentityPool '${UNKNOWN_POOL}' not found.`]);
      }
      // A pool id of another region is not found either.
      const { IdentityPoolId } = await ci.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'here', AllowUnauthenticatedIdentities: false }));
      const elsewhere = (IdentityPoolId ?? '').replace(/^us-east-1:/, 'eu-west-1:');
      assert.equal((await failure(ciOnce.send(new GetIdCommand({ IdentityPoolId: elsewhere })))).name, 'ResourceNotFoundException');
      assert.equal((await failure(ciOnce.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: elsewhere })))).name, 'ResourceNotFoundException');

      const malformed = await failure(ciOnce.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: 'not-a-pool-id' })));
      assert.equal(malformed.name, 'ValidationException');
      assert.equal(malformed.status, 400);
      assert.equal(
        malformed.message,
        "1 validation error detected: Value 'not-a-pool-id' at 'identityPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+",
      );
      assert.equal((await failure(ciOnce.send(new GetIdCommand({ IdentityPoolId: 'us-east-1:NOT-HEX' })))).name, 'ValidationException');
    });

    it('ListIdentityPools pages: MaxResults 60 over 130 pools gives 60 + 60 + 10, each pool once, Id and Name only', async function () {
      this.timeout(120_000);
      const created: string[] = [];
      for (let i = 0; i < 130; i++) {
        const res = await ci.send(new CreateIdentityPoolCommand({ IdentityPoolName: `pool_${i}`, AllowUnauthenticatedIdentities: false }));
        created.push(res.IdentityPoolId ?? '');
      }
      const sizes: number[] = [];
      const seen: IdentityPoolShortDescription[] = [];
      let NextToken: string | undefined;
      let calls = 0;
      do {
        const page = await ci.send(new ListIdentityPoolsCommand({ MaxResults: 60, NextToken }));
        calls++;
        sizes.push(page.IdentityPools?.length ?? 0);
        seen.push(...(page.IdentityPools ?? []));
        NextToken = page.NextToken;
        if (NextToken) assert.match(NextToken, /^\S+$/, 'NextToken matches AWS pattern [\\S]+');
      } while (NextToken && calls < 10);
      assert.deepEqual(sizes, [60, 60, 10]);
      assert.equal(calls, 3);
      assert.deepEqual(
        seen.map((p) => p.IdentityPoolId),
        created,
        'every pool exactly once, in creation order',
      );
      assert.deepEqual(seen[7], { IdentityPoolId: created[7], IdentityPoolName: 'pool_7' }, 'IdentityPoolShortDescription: no other fields');
      assert.deepEqual(await listAllPools(ci), { pools: seen, pages: 3 });

      // Small pages, and a page size that divides the total: no NextToken after the last full page.
      const first = await ci.send(new ListIdentityPoolsCommand({ MaxResults: 1 }));
      assert.deepEqual(first.IdentityPools?.map((p) => p.IdentityPoolId), [created[0]]);
      assert.ok(first.NextToken);
      let tenCalls = 0;
      let token: string | undefined;
      do {
        const page = await ci.send(new ListIdentityPoolsCommand({ MaxResults: 13, NextToken: token }));
        tenCalls++;
        token = page.NextToken;
      } while (token && tenCalls < 20);
      assert.equal(tenCalls, 10);
    });

    it('ListIdentityPools: a pool deleted or created between pages is neither skipped nor repeated', async function () {
      this.timeout(60_000);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push((await ci.send(new CreateIdentityPoolCommand({ IdentityPoolName: `p_${i}`, AllowUnauthenticatedIdentities: false }))).IdentityPoolId ?? '');
      }
      const page1 = await ci.send(new ListIdentityPoolsCommand({ MaxResults: 2 }));
      assert.deepEqual(page1.IdentityPools?.map((p) => p.IdentityPoolId), ids.slice(0, 2));
      // The pool the token points at goes away, and a new one appears.
      await ci.send(new DeleteIdentityPoolCommand({ IdentityPoolId: ids[2] }));
      const late = (await ci.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'late', AllowUnauthenticatedIdentities: false }))).IdentityPoolId;
      const page2 = await ci.send(new ListIdentityPoolsCommand({ MaxResults: 2, NextToken: page1.NextToken }));
      assert.deepEqual(page2.IdentityPools?.map((p) => p.IdentityPoolId), [ids[3], ids[4]]);
      const page3 = await ci.send(new ListIdentityPoolsCommand({ MaxResults: 2, NextToken: page2.NextToken }));
      assert.deepEqual(page3.IdentityPools?.map((p) => p.IdentityPoolId), [late]);
      assert.equal(page3.NextToken, undefined);
    });

    it('ListIdentityPools: MaxResults is required and 1..60 (ValidationException); a bad NextToken is InvalidParameterException', async function () {
      for (const MaxResults of [0, 61]) {
        const err = await failure(ciOnce.send(new ListIdentityPoolsCommand({ MaxResults })));
        assert.equal(err.name, 'ValidationException');
        assert.equal(err.status, 400);
        assert.match(err.message, /^1 validation error detected: Value '\d+' at 'maxResults' failed to satisfy constraint: Member must have value (greater|less) than or equal to (1|60)$/);
      }
      // The SDK types require MaxResults; send the request without it anyway.
      const missing = await failure(ciOnce.send(new ListIdentityPoolsCommand({} as ListIdentityPoolsCommandInput)));
      assert.equal(missing.name, 'ValidationException');
      assert.match(missing.message, /Value null at 'maxResults' failed to satisfy constraint: Member must not be null/);
      const badToken = await failure(ciOnce.send(new ListIdentityPoolsCommand({ MaxResults: 60, NextToken: 'bm90LWEtdG9rZW4' })));
      assert.equal(badToken.name, 'InvalidParameterException');
      assert.equal(badToken.status, 400);
      // Nothing there: an empty list, no token.
      const none = await ci.send(new ListIdentityPoolsCommand({ MaxResults: 60 }));
      assert.deepEqual(none.IdentityPools, []);
      assert.equal(none.NextToken, undefined);
    });

    it('SetIdentityPoolRoles / GetIdentityPoolRoles round trip; DescribeIdentityPool unaffected', async function () {
      const providerArn = await createProvider();
      const { IdentityPoolId } = await ci.send(
        new CreateIdentityPoolCommand({ IdentityPoolName: 'roles_pool', AllowUnauthenticatedIdentities: false, OpenIdConnectProviderARNs: [providerArn] }),
      );
      const describedBefore = await ci.send(new DescribeIdentityPoolCommand({ IdentityPoolId }));
      const fresh = await ci.send(new GetIdentityPoolRolesCommand({ IdentityPoolId }));
      assert.equal(fresh.IdentityPoolId, IdentityPoolId);
      assert.deepEqual(fresh.Roles ?? {}, {});
      assert.equal(fresh.RoleMappings, undefined);

      const authn = (await iam.send(new CreateRoleCommand({ RoleName: 'authn', AssumeRolePolicyDocument: cognitoTrustPolicy(IdentityPoolId ?? '') }))).Role?.Arn ?? '';
      const unauthn = (await iam.send(new CreateRoleCommand({ RoleName: 'unauthn', AssumeRolePolicyDocument: cognitoTrustPolicy(IdentityPoolId ?? '') }))).Role?.Arn ?? '';
      const set = await ci.send(new SetIdentityPoolRolesCommand({ IdentityPoolId, Roles: { authenticated: authn } }));
      assert.equal(set.$metadata.httpStatusCode, 200);
      const got = await ci.send(new GetIdentityPoolRolesCommand({ IdentityPoolId }));
      assert.equal(got.IdentityPoolId, IdentityPoolId);
      assert.deepEqual(got.Roles, { authenticated: authn });
      assert.equal(got.RoleMappings, undefined);

      // RoleMappings pass through, keyed by a provider of the pool (the Logins key of the OIDC provider).
      const RoleMappings = {
        [loginsKey]: {
          Type: 'Rules' as const,
          AmbiguousRoleResolution: 'AuthenticatedRole' as const,
          RulesConfiguration: { Rules: [{ Claim: 'aud', MatchType: 'Equals' as const, Value: CLIENT_ID, RoleARN: authn }] },
        },
      };
      await ci.send(new SetIdentityPoolRolesCommand({ IdentityPoolId, Roles: { authenticated: authn, unauthenticated: unauthn }, RoleMappings }));
      const both = await ci.send(new GetIdentityPoolRolesCommand({ IdentityPoolId }));
      assert.deepEqual(both.Roles, { authenticated: authn, unauthenticated: unauthn });
      assert.deepEqual(both.RoleMappings, RoleMappings);

      // DescribeIdentityPool shows no roles, before or after.
      assert.deepEqual({ ...(await ci.send(new DescribeIdentityPoolCommand({ IdentityPoolId }))), $metadata: undefined }, { ...describedBefore, $metadata: undefined });

      // Set replaces everything: mappings left out are gone; Roles {} clears the roles.
      await ci.send(new SetIdentityPoolRolesCommand({ IdentityPoolId, Roles: { authenticated: unauthn } }));
      const replaced = await ci.send(new GetIdentityPoolRolesCommand({ IdentityPoolId }));
      assert.deepEqual(replaced.Roles, { authenticated: unauthn });
      assert.equal(replaced.RoleMappings, undefined);
      await ci.send(new SetIdentityPoolRolesCommand({ IdentityPoolId, Roles: {} }));
      assert.deepEqual((await ci.send(new GetIdentityPoolRolesCommand({ IdentityPoolId }))).Roles ?? {}, {});

      // Roles live on the pool: another pool has none, and a deleted or reset pool takes them along.
      await ci.send(new SetIdentityPoolRolesCommand({ IdentityPoolId, Roles: { authenticated: authn } }));
      const other = await ci.send(new CreateIdentityPoolCommand({ IdentityPoolName: 'other_pool', AllowUnauthenticatedIdentities: false }));
      assert.deepEqual((await ci.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: other.IdentityPoolId }))).Roles ?? {}, {});
      await ci.send(new DeleteIdentityPoolCommand({ IdentityPoolId }));
      assert.equal((await failure(ciOnce.send(new GetIdentityPoolRolesCommand({ IdentityPoolId })))).name, 'ResourceNotFoundException');
    });

    it('SetIdentityPoolRoles errors: bad Roles key, a role name, > 2 roles, a mapping for a provider the pool lacks, a mapping without AmbiguousRoleResolution', async function () {
      const providerArn = await createProvider();
      const { IdentityPoolId } = await ci.send(
        new CreateIdentityPoolCommand({ IdentityPoolName: 'strict_pool', AllowUnauthenticatedIdentities: false, OpenIdConnectProviderARNs: [providerArn] }),
      );
      const roleArn = `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/authn`;
      const setRoles = (input: Omit<SetIdentityPoolRolesCommandInput, 'IdentityPoolId'>): Promise<unknown> =>
        ciOnce.send(new SetIdentityPoolRolesCommand({ IdentityPoolId, ...input }));

      const badKey = await failure(setRoles({ Roles: { Authenticated: roleArn } }));
      assert.equal(badKey.name, 'ValidationException');
      assert.match(badKey.message, /at 'roles' failed to satisfy constraint: Map keys must satisfy constraint: \[Member must satisfy regular expression pattern: \(un\)\?authenticated\]/);
      // A role NAME instead of an ARN: what AWS answers (iam:PassRole fails on it).
      const roleName = await failure(setRoles({ Roles: { authenticated: 'my-authenticated-role' } }));
      assert.deepEqual([roleName.name, roleName.status, roleName.message], ['NotAuthorizedException', 403, "Access to Role 'my-authenticated-role' is forbidden."]);
      const shortValue = await failure(setRoles({ Roles: { authenticated: 'authn' } }));
      assert.equal(shortValue.name, 'ValidationException', 'ARNString is at least 20 characters');
      const three = await failure(setRoles({ Roles: { authenticated: roleArn, unauthenticated: roleArn, guest: roleArn } }));
      assert.equal(three.name, 'ValidationException');
      assert.match(three.message, /^2 validation errors detected: /, 'too many entries, and a bad key');

      const unknownProvider = await failure(
        setRoles({ Roles: { authenticated: roleArn }, RoleMappings: { 'other.example.com': { Type: 'Token', AmbiguousRoleResolution: 'Deny' } } }),
      );
      assert.deepEqual(
        [unknownProvider.name, unknownProvider.message],
        ['InvalidParameterException', '(other.example.com) is not a valid RoleMapping ProviderName or is not a configured provider.'],
      );
      const noResolution = await failure(setRoles({ Roles: { authenticated: roleArn }, RoleMappings: { [loginsKey]: { Type: 'Token' } } }));
      assert.equal(noResolution.name, 'InvalidParameterException');
      const badType = await failure(
        setRoles({ Roles: { authenticated: roleArn }, RoleMappings: { [loginsKey]: { Type: 'Claims' as 'Token', AmbiguousRoleResolution: 'Deny' } } }),
      );
      assert.equal(badType.name, 'ValidationException');
      assert.match(badType.message, /Member must satisfy enum value set: \[Token, Rules\]/);
      const noRules = await failure(setRoles({ Roles: { authenticated: roleArn }, RoleMappings: { [loginsKey]: { Type: 'Rules', AmbiguousRoleResolution: 'Deny' } } }));
      assert.equal(noRules.name, 'InvalidParameterException');

      // None of the failures stored anything.
      assert.deepEqual((await ci.send(new GetIdentityPoolRolesCommand({ IdentityPoolId }))).Roles ?? {}, {});
    });

    it('GetId + GetCredentialsForIdentity with Logins {localhost:PORT: jwt}, then STS GetCallerIdentity', async function () {
      const providerArn = await createProvider();
      const { IdentityPoolId } = await ci.send(
        new CreateIdentityPoolCommand({ IdentityPoolName: 'login_pool', AllowUnauthenticatedIdentities: false, AllowClassicFlow: false, OpenIdConnectProviderARNs: [providerArn] }),
      );
      const role = await iam.send(new CreateRoleCommand({ RoleName: 'authn', AssumeRolePolicyDocument: cognitoTrustPolicy(IdentityPoolId ?? '') }));
      // The real flow: the authenticated role is attached to the pool before anyone logs in.
      await ci.send(new SetIdentityPoolRolesCommand({ IdentityPoolId, Roles: { authenticated: role.Role?.Arn ?? '' } }));
      const logins = { [loginsKey]: idToken };
      const { IdentityId } = await ci.send(new GetIdCommand({ IdentityPoolId, Logins: logins }));
      assert.match(IdentityId ?? '', /^us-east-1:[0-9a-f-]{36}$/);
      const res = await ci.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: logins }));
      assert.equal(res.IdentityId, IdentityId);
      const c = res.Credentials;
      assert.ok(c?.AccessKeyId && c.SecretKey && c.SessionToken && c.Expiration);
      assert.ok(c.Expiration.getTime() > Date.now(), 'not yet expired');

      const asUser = new STSClient({
        endpoint: moto.endpoint,
        region: moto.region,
        credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretKey, sessionToken: c.SessionToken },
      });
      const who = await asUser.send(new GetCallerIdentityCommand({}));
      asUser.destroy();
      assert.equal(who.Account, MOTO_ACCOUNT_ID);
      // moto_plus: real STS credentials of the pool's authenticated role, as on AWS.
      assert.equal(who.Arn, `arn:aws:sts::${MOTO_ACCOUNT_ID}:assumed-role/authn/CognitoIdentityCredentials`);
      assert.match(c.AccessKeyId, /^ASIA/);
      const ttl = c.Expiration.getTime() - Date.now();
      assert.ok(ttl > 3_000_000 && ttl <= 3_601_000, `valid one hour, got ${ttl} ms`);
      assert.equal((await sts.send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:sts::${MOTO_ACCOUNT_ID}:user/moto`, 'the test keys are not the role');
    });

    it('fromCognitoIdentityPool (credential-providers) gets credentials from a moto pool', async function () {
      const providerArn = await createProvider();
      const { IdentityPoolId } = await ci.send(
        new CreateIdentityPoolCommand({ IdentityPoolName: 'provider_pool', AllowUnauthenticatedIdentities: false, OpenIdConnectProviderARNs: [providerArn] }),
      );
      const provider = fromCognitoIdentityPool({
        identityPoolId: IdentityPoolId ?? '',
        logins: { [loginsKey]: idToken },
        clientConfig: { endpoint: moto.endpoint, region: moto.region },
      });
      const creds = await provider();
      assert.ok(creds.accessKeyId && creds.secretAccessKey && creds.sessionToken);
      assert.match(creds.identityId, /^us-east-1:/);
      assert.ok(creds.expiration && creds.expiration.getTime() > Date.now());
      // The credentials work as a client's credentials (provider function form too).
      const viaProvider = new STSClient({ endpoint: moto.endpoint, region: moto.region, credentials: provider });
      assert.equal((await viaProvider.send(new GetCallerIdentityCommand({}))).Account, MOTO_ACCOUNT_ID);
      viaProvider.destroy();
    });

    it('gap: GetId checks no token (issuer, signature, aud, exp) and no Logins key; GetCredentialsForIdentity checks nothing', async function () {
      const providerArn = await createProvider();
      const { IdentityPoolId } = await ci.send(
        new CreateIdentityPoolCommand({ IdentityPoolName: 'lenient_pool', AllowUnauthenticatedIdentities: false, OpenIdConnectProviderARNs: [providerArn] }),
      );
      const past = Math.floor(Date.now() / 1000) - 86_400;
      const badTokens: Record<string, string>[] = [
        { [loginsKey]: 'not-a-jwt' }, // not even a JWT
        { [loginsKey]: fakeJwt({ iss: 'https://evil.example.com/', aud: 'wrong-client', exp: past }) }, // wrong iss, aud; expired
        { [`https://${loginsKey}/`]: idToken }, // Logins key with https:// and slash (AWS: "Issuer doesn't match providerName")
        { 'not-attached.example.com': idToken }, // provider not in the pool
      ];
      const ids = new Set<string>();
      for (const Logins of badTokens) {
        const { IdentityId } = await ci.send(new GetIdCommand({ IdentityPoolId, Logins }));
        ids.add(IdentityId ?? '');
      }
      // No Logins at all, although AllowUnauthenticatedIdentities is false.
      const { IdentityId: unauth } = await ci.send(new GetIdCommand({ IdentityPoolId }));
      ids.add(unauth ?? '');
      assert.equal(ids.size, badTokens.length + 1, 'every GetId call makes a new identity, even for the same token');
      const again = await ci.send(new GetIdCommand({ IdentityPoolId, Logins: { [loginsKey]: idToken } }));
      const again2 = await ci.send(new GetIdCommand({ IdentityPoolId, Logins: { [loginsKey]: idToken } }));
      assert.notEqual(again.IdentityId, again2.IdentityId);

      // Credentials for an identity that never existed, with no Logins: the same fixed keys.
      const bogus = await ci.send(new GetCredentialsForIdentityCommand({ IdentityId: 'us-east-1:never-issued' }));
      assert.equal(bogus.Credentials?.AccessKeyId, 'TESTACCESSKEY12345');
      assert.equal(bogus.Credentials?.SecretKey, 'ABCSECRETKEY');
      assert.equal(bogus.Credentials?.SessionToken, 'ABC12345');
      const ttl = (bogus.Credentials?.Expiration?.getTime() ?? 0) - Date.now();
      assert.ok(ttl > 60_000 && ttl <= 91_000, `valid about 90 s, got ${ttl} ms`);

      // Only an unknown pool fails (moto_plus: ResourceNotFoundException, as in AWS).
      const unknown = await failure(ciOnce.send(new GetIdCommand({ IdentityPoolId: UNKNOWN_POOL, Logins: { [loginsKey]: idToken } })));
      assert.equal(unknown.name, 'ResourceNotFoundException');
    });

    it('gap: GetCredentialsForIdentity ignores trust policies and role existence (no role: fixed keys; a role that trusts another pool, an unknown role: assumed)', async function () {
      const providerArn = await createProvider();
      const { IdentityPoolId } = await ci.send(
        new CreateIdentityPoolCommand({ IdentityPoolName: 'no_role_pool', AllowUnauthenticatedIdentities: false, OpenIdConnectProviderARNs: [providerArn] }),
      );
      // No role attached yet: AWS would say "Invalid identity pool configuration".
      const { IdentityId } = await ci.send(new GetIdCommand({ IdentityPoolId, Logins: { [loginsKey]: idToken } }));
      const res = await ci.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: { [loginsKey]: idToken } }));
      assert.equal(res.Credentials?.AccessKeyId, 'TESTACCESSKEY12345');
      // A role that trusts a different pool, attached with SetIdentityPoolRoles: AWS would refuse it the same way.
      const wrong = await iam.send(new CreateRoleCommand({ RoleName: 'wrong-pool', AssumeRolePolicyDocument: cognitoTrustPolicy('us-east-1:some-other-pool') }));
      await ci.send(new SetIdentityPoolRolesCommand({ IdentityPoolId, Roles: { authenticated: wrong.Role?.Arn ?? '' } }));
      const again = await ci.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: { [loginsKey]: idToken } }));
      assert.match(again.Credentials?.AccessKeyId ?? '', /^ASIA/, 'credentials of the role although its trust policy names another pool');
      // A role ARN that IAM does not know is accepted too.
      await ci.send(new SetIdentityPoolRolesCommand({ IdentityPoolId, Roles: { authenticated: `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/does-not-exist` } }));
      const unknownRole = await ci.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: { [loginsKey]: idToken } }));
      assert.match(unknownRole.Credentials?.AccessKeyId ?? '', /^ASIA/);
      // Without Logins the unauthenticated role applies: none is set, so the fixed keys again.
      assert.equal((await ci.send(new GetCredentialsForIdentityCommand({ IdentityId }))).Credentials?.AccessKeyId, 'TESTACCESSKEY12345');
    });
  });

  describe('scale: seeding what a later issue needs', function () {
    it('300 identity pools + 300 roles + 20 OIDC providers, listed back completely', async function () {
      this.timeout(300_000);
      const t0 = Date.now();
      const providerArns: string[] = [];
      for (let i = 0; i < 20; i++) {
        const res = await iam.send(
          new CreateOpenIDConnectProviderCommand({ Url: `https://tenant-${i}.example.auth0.com`, ClientIDList: [`client-${i}`], ThumbprintList: [THUMBPRINT] }),
        );
        providerArns.push(res.OpenIDConnectProviderArn ?? '');
      }
      const t1 = Date.now();
      const poolIds: string[] = [];
      for (let i = 0; i < 300; i++) {
        const res = await ci.send(
          new CreateIdentityPoolCommand({
            IdentityPoolName: `seed_pool_${i}`,
            AllowUnauthenticatedIdentities: false,
            AllowClassicFlow: false,
            OpenIdConnectProviderARNs: [providerArns[i % 20] ?? ''],
          }),
        );
        poolIds.push(res.IdentityPoolId ?? '');
      }
      const t2 = Date.now();
      for (let i = 0; i < 300; i++) {
        await iam.send(new CreateRoleCommand({ RoleName: `seed-role-${i}`, AssumeRolePolicyDocument: cognitoTrustPolicy(poolIds[i] ?? '') }));
      }
      const t3 = Date.now();
      const { pools, pages: poolPages } = await listAllPools(ci);
      const { roles, pages } = await listAllRoles(iam);
      const providers = await iam.send(new ListOpenIDConnectProvidersCommand({}));
      const t4 = Date.now();
      process.stderr.write(
        `      (seeding: 20 providers ${t1 - t0} ms, 300 pools ${t2 - t1} ms, 300 roles ${t3 - t2} ms, total ${t3 - t0} ms; ` +
          `listing all back ${t4 - t3} ms)\n`,
      );
      assert.equal(pools.length, 300);
      assert.equal(poolPages, 5, '300 pools in pages of 60');
      assert.equal(roles.length, 300);
      assert.equal(pages, 3);
      assert.equal(providers.OpenIDConnectProviderList?.length, 20);
    });
  });
});
