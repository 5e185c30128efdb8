/**
 * Every AWS call ends (issue 8, item 4): against an endpoint that accepts connections and never
 * answers, and with a credential lookup that never finishes, an engine call ends at its deadline
 * with a TIMEOUT error naming the call, and at once with CANCELLED when its signal fires.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadAws, type AwsConfig } from '../../../../src/engine/aws/config';
import { describeError } from '../../../../src/engine/errors';
import { startHangServer, type HangServer } from '../../../helpers/hangServer';

const CREDS = { accessKeyId: 'AKIAEXAMPLEEXAMPLE00', secretAccessKey: 'secret' };

/** The error `p` rejects with, and how long it took. */
async function failure(p: Promise<unknown>): Promise<{ code: string; message: string; hint: string; ms: number }> {
  const t0 = Date.now();
  try {
    await p;
  } catch (e) {
    return { ...describeError(e), ms: Date.now() - t0 };
  }
  throw new Error('the call succeeded');
}

describe('AWS calls end (deadline and cancellation)', function () {
  this.timeout(20_000);
  let hang: HangServer;
  let dir: string;
  const saved = { AWS_CONFIG_FILE: process.env.AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE: process.env.AWS_SHARED_CREDENTIALS_FILE };
  let pidFile: string;

  before(async () => {
    hang = await startHangServer();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'aws-deadline-'));
    // A profile whose credential_process never finishes (an SSO helper waiting for a browser, say).
    pidFile = path.join(dir, 'pids');
    const script = path.join(dir, 'hang.js');
    await fs.writeFile(script, `require('fs').appendFileSync(${JSON.stringify(pidFile)}, process.pid + '\\n'); setInterval(() => {}, 1000);\n`);
    await fs.writeFile(path.join(dir, 'config'), `[profile stuck]\nregion = us-east-1\ncredential_process = "${process.execPath}" "${script}"\n`);
    await fs.writeFile(path.join(dir, 'credentials'), '');
    process.env.AWS_CONFIG_FILE = path.join(dir, 'config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, 'credentials');
  });
  after(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    const pids = await fs.readFile(pidFile, 'utf8').catch(() => '');
    for (const pid of pids.split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid));
      } catch {
        // already gone
      }
    }
    await hang.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** Waits until `n` credential processes have started (so that after() can end them all). */
  async function credentialProcesses(n: number): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const pids = (await fs.readFile(pidFile, 'utf8').catch(() => '')).split('\n').filter(Boolean);
      if (pids.length >= n) return;
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  const hungEndpoint = (timeoutMs: number): AwsConfig => ({ region: 'us-east-1', endpoint: hang.url, credentials: CREDS, timeoutMs });
  const stuckProfile = (timeoutMs: number): AwsConfig => ({ region: 'us-east-1', endpoint: hang.url, profile: 'stuck', timeoutMs });

  it('an endpoint that never answers: TIMEOUT naming the call and what to check', async () => {
    const aws = loadAws();
    const f = await failure(aws.listOidcProviderArns(aws.createAwsClients(hungEndpoint(1000))));
    assert.equal(f.code, 'TIMEOUT', f.message);
    assert.match(f.message, /^IAM ListOpenIDConnectProviders did not answer within 1 s\.$/);
    assert.match(f.hint, new RegExp(`AWS endpoint setting \\(${hang.url.replace(/[.]/g, '\\.')}`));
    assert.match(f.hint, /auth0Cognito\.network\.timeoutSeconds/);
    assert.match(f.hint, /--timeout/);
    assert.ok(f.ms < 10_000, `ended after ${f.ms} ms`);
  });

  it('the deadline holds for the token exchange and the paginated listing too', async () => {
    const aws = loadAws();
    const clients = aws.createAwsClients(hungEndpoint(1000));
    const x = await failure(aws.exchangeAndIdentify(clients, { poolId: 'us-east-1:00000000-0000-0000-0000-000000000000', logins: { 'tenant.auth0.com': 'x.y.z' } }));
    assert.match(x.message, /^Cognito Identity GetId did not answer within 1 s\./);
    const l = await failure(aws.listIdentityPools(clients));
    assert.match(l.message, /^Cognito Identity ListIdentityPools did not answer within 1 s\./);
  });

  it('a credential lookup that never finishes ends at the deadline too', async () => {
    const aws = loadAws();
    const f = await failure(aws.getCallerIdentity(aws.createAwsClients(stuckProfile(1000))));
    assert.equal(f.code, 'TIMEOUT', f.message);
    assert.match(f.message, /^STS GetCallerIdentity did not answer within 1 s\./);
    assert.match(f.hint, /profile "stuck"/);
    await credentialProcesses(1);
  });

  it('an aborted signal ends a pending call with CANCELLED (request on the wire)', async () => {
    const aws = loadAws();
    const before = hang.connections();
    const ac = new AbortController();
    const p = failure(aws.getRoleTrust(aws.createAwsClients(hungEndpoint(60_000)), 'some-role', ac.signal));
    await hang.waitForConnections(before + 1);
    ac.abort();
    const f = await p;
    assert.equal(f.code, 'CANCELLED', f.message);
    assert.ok(f.ms < 10_000, `ended after ${f.ms} ms`);
  });

  it('an aborted signal ends a pending call with CANCELLED (still looking up credentials)', async () => {
    const aws = loadAws();
    const ac = new AbortController();
    const p = failure(aws.listOidcProviderArns(aws.createAwsClients(stuckProfile(60_000)), ac.signal));
    await credentialProcesses(2);
    ac.abort();
    const f = await p;
    assert.equal(f.code, 'CANCELLED', f.message);
    assert.ok(f.ms < 10_000, `ended after ${f.ms} ms`);
  });

  it('a signal aborted before the call: CANCELLED without connecting', async () => {
    const aws = loadAws();
    const before = hang.connections();
    const f = await failure(aws.describeIdentityPool(aws.createAwsClients(hungEndpoint(60_000)), 'us-east-1:00000000-0000-0000-0000-000000000000', AbortSignal.abort()));
    assert.equal(f.code, 'CANCELLED');
    assert.equal(hang.connections(), before);
  });
});
