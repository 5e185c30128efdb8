/** --include values: what a teardown accepts as "named explicitly" (no AWS). */
import * as assert from 'node:assert/strict';
import { validateIncludes } from '../../../../src/engine/teardown';
import { isEngineError } from '../../../../src/engine/errors';

describe('teardown --include values', () => {
  it('accepts pool ids, role names and ARNs, provider ARNs (trimmed)', () => {
    const ok = [
      ' us-east-1:0f2b3c4d-1111-2222-3333-444455556666 ',
      'Cognito_auth0_pool_Auth_Role',
      'arn:aws:iam::123456789012:role/service/Cognito_auth0_pool_Auth_Role',
      'arn:aws:iam::123456789012:oidc-provider/tenant.eu.auth0.com',
      'arn:aws-cn:iam::123456789012:oidc-provider/localhost:4443',
    ];
    assert.deepEqual(validateIncludes(ok), ok.map((s) => s.trim()));
  });

  it('refuses anything else with an INVALID_INPUT error naming the value (cut to 80 characters)', () => {
    for (const bad of ['not a resource!', 'us-east-1:nope', 'arn:aws:s3:::bucket', 'x'.repeat(65), `${'y'.repeat(200)} z`]) {
      assert.throws(() => validateIncludes([bad]), (e: unknown) => {
        assert.ok(isEngineError(e));
        assert.equal(e.code, 'INVALID_INPUT');
        assert.ok(e.message.includes(bad.trim().slice(0, 80)), e.message);
        assert.ok(e.message.length < 250, e.message);
        return true;
      });
    }
  });
});
