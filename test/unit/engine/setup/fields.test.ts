import * as assert from 'node:assert/strict';
import { checkSetupFields, type SetupFieldsInput } from '../../../../src/engine/setup/fields';

const GOOD: SetupFieldsInput = { aws: { region: 'us-east-1' }, domain: 'https://tenant.auth0.com/', clientId: 'abc123', poolName: 'auth0-cognito' };

describe('checkSetupFields (the wizard form, with the CLI\'s validateSetupConfig rules)', () => {
  it('returns the normalised config for a valid form', () => {
    const r = checkSetupFields({ ...GOOD, roleName: 'arn:aws:iam::123456789012:role/app-role', poolId: 'us-east-1:00000000-0000-0000-0000-000000000000' });
    assert.ok(r.ok);
    assert.deepEqual(r.config, {
      aws: { region: 'us-east-1' },
      auth0: { domain: 'tenant.auth0.com', clientId: 'abc123' },
      names: { poolName: 'auth0-cognito', poolId: 'us-east-1:00000000-0000-0000-0000-000000000000', roleName: 'arn:aws:iam::123456789012:role/app-role' },
    });
  });

  it('reports every bad field at once, each next to its field', () => {
    const r = checkSetupFields({ ...GOOD, domain: 'http://tenant.auth0.com', clientId: 'has space', poolName: 'bad/pool/name', roleName: 'role with spaces' });
    assert.ok(!r.ok);
    assert.deepEqual(Object.keys(r.fieldErrors).sort(), ['clientId', 'domain', 'poolName', 'roleName']);
    assert.match(r.fieldErrors.poolName ?? '', /not a valid identity pool name/);
    assert.match(r.fieldErrors.clientId ?? '', /not an Auth0 Client ID/);
    assert.match(r.fieldErrors.roleName ?? '', /not an IAM role name/);
    assert.equal(r.error, undefined);
  });

  it('requires the domain and the client ID', () => {
    const r = checkSetupFields({ ...GOOD, domain: ' ', clientId: '' });
    assert.ok(!r.ok);
    assert.deepEqual(Object.keys(r.fieldErrors).sort(), ['clientId', 'domain']);
  });

  it('flags a picked pool of another region, and bad AWS settings as a general error', () => {
    const picked = checkSetupFields({ ...GOOD, poolId: 'eu-west-1:00000000-0000-0000-0000-000000000000' });
    assert.ok(!picked.ok);
    assert.match(picked.fieldErrors.poolId ?? '', /eu-west-1/);
    const aws = checkSetupFields({ ...GOOD, aws: { region: 'not a region' } });
    assert.ok(!aws.ok);
    assert.deepEqual(aws.fieldErrors, {});
    assert.ok(aws.error?.message);
  });
});
