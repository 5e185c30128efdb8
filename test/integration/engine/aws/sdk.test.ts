import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { CreateOpenIDConnectProviderCommand } from '@aws-sdk/client-iam';
import { loadAws } from '../../../../src/engine/aws/config';
import { startMoto, MOTO_ACCOUNT_ID, type Moto } from '../../../standins/moto';
import { freePort } from '../../../standins/ports';
import { expectEngineError } from '../../../helpers/errors';

describe('AWS layer (lazy chunk) against moto, through the endpoint setting', function () {
  this.timeout(60_000);
  let moto: Moto;
  before(async () => { moto = await startMoto(); });
  after(async () => { await moto?.stop(); });

  it('is not loaded until first use (checked in a fresh process)', () => {
    const probe = "const a=require('./src/engine/aws/config');const before=a.isAwsLoaded();a.loadAws();"
      + "process.stdout.write(JSON.stringify([before,a.isAwsLoaded(),Object.keys(require.cache).some(k=>k.includes('client-iam'))]))";
    const out = execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', probe], { cwd: path.join(__dirname, '..', '..', '..', '..'), encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), [false, true, true]);
  });

  it('reaches IAM and STS at the configured endpoint with explicit credentials', async () => {
    const aws = loadAws();
    const clients = aws.createAwsClients({ region: moto.region, endpoint: moto.endpoint, credentials: moto.credentials });
    const who = await aws.getCallerIdentity(clients);
    assert.equal(who.account, MOTO_ACCOUNT_ID);
    await clients.iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://tenant.example.com', ClientIDList: ['abc'], ThumbprintList: ['0'.repeat(40)] }));
    const arns = await aws.listOidcProviderArns(clients);
    assert.deepEqual(arns, [`arn:aws:iam::${MOTO_ACCOUNT_ID}:oidc-provider/tenant.example.com`]);
  });

  it('uses a named profile from the shared credentials file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'a0c-aws-'));
    const file = path.join(dir, 'credentials');
    fs.writeFileSync(file, '[dev]\naws_access_key_id = AKIAEXAMPLEDEV000001\naws_secret_access_key = devsecret\n');
    const saved = { f: process.env.AWS_SHARED_CREDENTIALS_FILE, c: process.env.AWS_CONFIG_FILE };
    process.env.AWS_SHARED_CREDENTIALS_FILE = file;
    process.env.AWS_CONFIG_FILE = path.join(dir, 'config');
    try {
      const aws = loadAws();
      const who = await aws.getCallerIdentity(aws.createAwsClients({ region: moto.region, endpoint: moto.endpoint, profile: 'dev' }));
      assert.equal(who.account, MOTO_ACCOUNT_ID);
      await expectEngineError(aws.getCallerIdentity(aws.createAwsClients({ region: moto.region, endpoint: moto.endpoint, profile: 'missing' })),
        'AWS', /No AWS credentials found for profile "missing"/);
    } finally {
      if (saved.f === undefined) delete process.env.AWS_SHARED_CREDENTIALS_FILE; else process.env.AWS_SHARED_CREDENTIALS_FILE = saved.f;
      if (saved.c === undefined) delete process.env.AWS_CONFIG_FILE; else process.env.AWS_CONFIG_FILE = saved.c;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says what to fix when the endpoint answers nothing, or the settings are malformed', async () => {
    const aws = loadAws();
    const dead = `http://127.0.0.1:${await freePort()}`;
    await expectEngineError(aws.getCallerIdentity(aws.createAwsClients({ region: 'us-east-1', endpoint: dead, credentials: moto.credentials, timeoutMs: 2000 })),
      'UNREACHABLE', new RegExp(`Could not reach AWS for sts:GetCallerIdentity at ${dead.replace(/[.:/]/g, '\\$&')}`));
    assert.throws(() => aws.createAwsClients({ region: 'Frankfurt', credentials: moto.credentials }), /"Frankfurt" is not an AWS region name/);
    assert.throws(() => aws.createAwsClients({ region: 'us-east-1', endpoint: 'localhost:4566', credentials: moto.credentials }), /must start with http:\/\/ or https:\/\//);
  });

  it('stops on cancellation', async () => {
    const aws = loadAws();
    const ac = new AbortController();
    ac.abort();
    await expectEngineError(aws.getCallerIdentity(aws.createAwsClients({ region: moto.region, endpoint: moto.endpoint, credentials: moto.credentials }), ac.signal),
      'CANCELLED', /Cancelled/);
  });
});
