/** The profile list read from the shared config/credentials files (src/engine/aws/profiles.ts). */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listAwsProfiles, parseIni } from '../../../../src/engine/aws/profiles';

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
