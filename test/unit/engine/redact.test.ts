import * as assert from 'node:assert/strict';
import { redact, mask } from '../../../src/engine/redact';

describe('redact', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJhdXRoMHwxMjMiLCJhdWQiOiJhYmMifQ.c2lnbmF0dXJlLWJ5dGVz';
  it('masks JWTs anywhere in a line', () => {
    const out = redact(`token=${jwt} and again "${jwt}"`);
    assert.ok(!out.includes('eyJzdWIi'), out);
    assert.ok(!out.includes('c2lnbmF0dXJl'), out);
  });
  it('masks AWS access key ids, keeping only the ends', () => {
    const out = redact('AccessKeyId ASIAABCDEFGHIJKLMNOP used');
    assert.ok(!out.includes('ABCDEFGHIJKLMNOP'), out);
    assert.match(out, /ASIA…MNOP/);
  });
  it('masks secret-looking fields in JSON and query strings', () => {
    const out = redact('{"client_secret":"s3cr3t-value","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG","name":"app"} code_verifier=abc123&x=1 password: hunter2');
    for (const s of ['s3cr3t-value', 'wJalrXUtnFEMI', 'abc123', 'hunter2']) assert.ok(!out.includes(s), `${s} leaked in ${out}`);
    assert.ok(out.includes('"name":"app"'), 'leaves other fields alone');
  });
  it('masks Bearer tokens', () => {
    assert.equal(redact('Authorization: Bearer abc.def.ghi'), 'Authorization: ***');
    assert.equal(redact('header Bearer opaque-token-123'), 'header Bearer ***');
  });
  it('leaves ordinary text unchanged', () => {
    const s = 'Thumbprint for localhost:8443: 0123456789abcdef0123456789abcdef01234567';
    assert.equal(redact(s), s);
  });
  it('mask keeps the ends of long values only', () => {
    assert.equal(mask('ASIAABCDEFGHIJKLMNOP'), 'ASIA…MNOP');
    assert.equal(mask('short'), '*****');
  });
});
