/**
 * Table tests for the two webview message parsers of src/shared/protocol.ts: every message the
 * wizard and the inspector may send is accepted as exactly itself; anything else (wrong types,
 * extra fields, huge strings, nested junk, prototype keys, inherited fields) is rejected.
 */
import * as assert from 'node:assert/strict';
import { parseInspectorViewMessage, parseWizardForm, parseWizardViewMessage } from '../../../src/shared/protocol';

const FORM = { domain: 'tenant.auth0.com', clientId: 'abc123', poolName: 'auth0-cognito', roleName: '' };
const HUGE = 'x'.repeat(1_000_000);
const STEPS = ['connections', 'auth0App', 'oidcProvider', 'identityPool', 'authenticatedRole', 'tryIt'];

/** Malformed values any parser must reject. */
const JUNK: unknown[] = [
  null, undefined, 0, 42, NaN, '', 'ready', true, [], [{ type: 'ready' }], {}, () => ({ type: 'ready' }),
  { type: 42 }, { type: null }, { type: ['ready'] }, { type: { toString: () => 'ready' } }, { type: 'READY' }, { type: 'ready ' },
  { type: 'eval', code: 'x' }, { type: '__proto__' }, { type: 'constructor' }, { type: 'toString' }, { type: 'hasOwnProperty' },
  Object.create({ type: 'ready' }), // inherited, not own
  JSON.parse('{"type":"ready","__proto__":{"polluted":true}}'),
  JSON.parse('{"__proto__":{"type":"ready"}}'),
  { type: 'ready', constructor: { prototype: { polluted: true } } },
  { type: 'ready', extra: 1 },
  { type: 'ready', [Symbol('x')]: 1 },
  new (class Msg { type = 'ready'; })(),
  new Map([['type', 'ready']]),
];

function rejects(parse: (m: unknown) => unknown, messages: unknown[]): void {
  for (const m of messages) {
    let text: string;
    try { text = JSON.stringify(m)?.slice(0, 120) ?? String(m); } catch { text = String(m); }
    assert.equal(parse(m), undefined, text);
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype polluted');
}

describe('parseWizardViewMessage', () => {
  const valid: unknown[] = [
    { type: 'ready' }, { type: 'clearPicked' }, { type: 'setManagement' }, { type: 'clearManagement' }, { type: 'signIn' },
    { type: 'pasteToken' }, { type: 'openSettings' }, { type: 'cancel' },
    { type: 'check', form: FORM },
    { type: 'check', form: { domain: '', clientId: '', poolName: '', roleName: '' } },
    { type: 'check', form: { domain: 'd'.repeat(300), clientId: 'c'.repeat(300), poolName: 'p', roleName: 'arn:aws:iam::123456789012:role/r' } },
    ...STEPS.map((step) => ({ type: 'plan', step })),
    ...STEPS.map((step) => ({ type: 'apply', step })),
    { type: 'apply', step: 'callbackUrl' },
    { type: 'copy', text: 'snippet-typescript' }, { type: 'copy', text: 'snippet-swift' }, { type: 'copy', text: 'snippet-kotlin' },
    { type: 'copy', text: 'value:poolId' }, { type: 'copy', text: 'value:roleArn' },
    { type: 'export', format: 'cloudformation' }, { type: 'export', format: 'terraform' }, { type: 'export', format: 'cli' },
    { type: 'teardown' },
    { type: 'openWalkthrough' }, { type: 'addRule' }, { type: 'openActionCode' }, { type: 'removeRule', index: 0 }, { type: 'removeRule', index: 24 },
    { type: 'setMappingType', value: 'none' }, { type: 'setMappingType', value: 'Rules' }, { type: 'setMappingType', value: 'Token' },
    { type: 'setAmbiguous', value: 'AuthenticatedRole' }, { type: 'setAmbiguous', value: 'Deny' }, { type: 'setDefaultTags', value: true }, { type: 'setDefaultTags', value: false },
    { type: 'openSnippet', lang: 'typescript' }, { type: 'openSnippet', lang: 'swift' }, { type: 'openSnippet', lang: 'kotlin' },
  ];

  it('accepts every message type the wizard sends, as exactly itself', () => {
    const types = new Set<string>();
    for (const m of valid) {
      assert.deepEqual(parseWizardViewMessage(m), m, JSON.stringify(m).slice(0, 120));
      types.add((m as { type: string }).type);
    }
    assert.deepEqual([...types].sort(), ['addRule', 'apply', 'cancel', 'check', 'clearManagement', 'clearPicked', 'copy', 'export', 'openActionCode', 'openSettings', 'openSnippet', 'openWalkthrough', 'pasteToken', 'plan', 'ready', 'removeRule', 'setAmbiguous', 'setDefaultTags', 'setManagement', 'setMappingType', 'signIn', 'teardown']);
  });

  it('returns a copy, not the untrusted object', () => {
    const m = { type: 'check', form: { ...FORM } };
    const p = parseWizardViewMessage(m);
    assert.ok(p?.type === 'check');
    assert.notEqual(p.form, m.form);
  });

  it('rejects junk', () => rejects(parseWizardViewMessage, JUNK));

  it('rejects export messages without a known format, and teardown with extra fields', () => {
    rejects(parseWizardViewMessage, [
      { type: 'export' }, { type: 'export', format: 'pulumi' }, { type: 'export', format: 'CLI' }, { type: 'export', format: ['cli'] },
      { type: 'export', format: 'cli', step: 'tryIt' }, { type: 'teardown', step: 'identityPool' }, { type: 'teardown', format: 'cli' },
      { type: 'openSnippet' }, { type: 'openSnippet', lang: 'java' }, { type: 'openSnippet', lang: 'typescript', text: 'x' },
      { type: 'removeRule' }, { type: 'removeRule', index: -1 }, { type: 'removeRule', index: 25 }, { type: 'removeRule', index: 1.5 }, { type: 'removeRule', index: '0' },
      { type: 'setMappingType', value: 'rules' }, { type: 'setAmbiguous', value: 'deny' }, { type: 'setDefaultTags', value: 'true' }, { type: 'addRule', value: 'x' },
    ]);
  });

  it('rejects the old two-message form save (saveForm + checkAll)', () => {
    rejects(parseWizardViewMessage, [{ type: 'saveForm', form: FORM }, { type: 'checkAll' }]);
  });

  it('rejects malformed check messages', () => {
    rejects(parseWizardViewMessage, [
      { type: 'check' }, { type: 'check', form: null }, { type: 'check', form: 'form' }, { type: 'check', form: [] },
      { type: 'check', form: [FORM.domain, FORM.clientId, FORM.poolName, FORM.roleName] },
      { type: 'check', form: { ...FORM, domain: undefined } },
      { type: 'check', form: { domain: FORM.domain, clientId: FORM.clientId, poolName: FORM.poolName } },
      { type: 'check', form: { ...FORM, clientId: 42 } }, { type: 'check', form: { ...FORM, poolName: null } },
      { type: 'check', form: { ...FORM, roleName: ['r'] } }, { type: 'check', form: { ...FORM, domain: { host: 'x' } } },
      { type: 'check', form: { ...FORM, domain: 'd'.repeat(301) } }, { type: 'check', form: { ...FORM, clientId: HUGE } },
      { type: 'check', form: { ...FORM, secret: 's' } }, { type: 'check', form: { ...FORM, extra: { nested: { deep: [1, 2, 3] } } } },
      { type: 'check', form: JSON.parse(`{"domain":"d","clientId":"c","poolName":"p","roleName":"","__proto__":{"polluted":true}}`) },
      { type: 'check', form: Object.assign(Object.create({ roleName: '' }), { domain: 'd', clientId: 'c', poolName: 'p' }) },
      { type: 'check', form: FORM, extra: true }, { type: 'check', form: FORM, step: 'tryIt' },
    ]);
  });

  it('rejects malformed plan, apply and copy messages', () => {
    rejects(parseWizardViewMessage, [
      { type: 'plan' }, { type: 'plan', step: 'callbackUrl' }, { type: 'plan', step: 'tryit' }, { type: 'plan', step: 'tryIt\n' },
      { type: 'plan', step: ['tryIt'] }, { type: 'plan', step: 3 }, { type: 'plan', step: HUGE }, { type: 'plan', step: 'tryIt', extra: 1 },
      { type: 'apply' }, { type: 'apply', step: 'deleteEverything' }, { type: 'apply', step: { id: 'tryIt' } }, { type: 'apply', step: 'tryIt', form: FORM },
      { type: 'copy' }, { type: 'copy', text: 'snippet-python' }, { type: 'copy', text: 'value:' }, { type: 'copy', text: 'value:pool-id' },
      { type: 'copy', text: `value:${'a'.repeat(41)}` }, { type: 'copy', text: 'value:__proto__' }, { type: 'copy', text: `value:${HUGE}` },
      { type: 'copy', text: 42 }, { type: 'copy', text: 'snippet-swift', field: 'x' },
      { type: 'cancel', step: 'tryIt' }, { type: 'ready', form: FORM }, { type: 'signIn', text: 'x' },
    ]);
  });
});

describe('parseInspectorViewMessage', () => {
  const valid: unknown[] = [
    { type: 'ready' }, { type: 'pickPool' }, { type: 'exchange' }, { type: 'inspectAnother' },
    { type: 'runPreflight', poolId: 'us-east-1:00000000-0000-0000-0000-000000000000' }, { type: 'runPreflight', poolId: '' },
    { type: 'runPreflight', poolId: 'p'.repeat(200) },
    { type: 'applyFix', ruleId: 'token.alg' }, { type: 'applyFix', ruleId: 'aud.clientId' }, { type: 'applyFix', ruleId: 'provider.thumbprints' },
    { type: 'copy', field: 'header' }, { type: 'copy', field: 'claims' }, { type: 'copy', field: 'report' },
  ];

  it('accepts every message type the inspector sends, as exactly itself', () => {
    const types = new Set<string>();
    for (const m of valid) {
      assert.deepEqual(parseInspectorViewMessage(m), m, JSON.stringify(m).slice(0, 120));
      types.add((m as { type: string }).type);
    }
    assert.deepEqual([...types].sort(), ['applyFix', 'copy', 'exchange', 'inspectAnother', 'pickPool', 'ready', 'runPreflight']);
  });

  it('rejects junk', () => rejects(parseInspectorViewMessage, JUNK));

  it('rejects malformed messages', () => {
    rejects(parseInspectorViewMessage, [
      { type: 'runPreflight' }, { type: 'runPreflight', poolId: 42 }, { type: 'runPreflight', poolId: null }, { type: 'runPreflight', poolId: ['p'] },
      { type: 'runPreflight', poolId: 'p'.repeat(201) }, { type: 'runPreflight', poolId: HUGE }, { type: 'runPreflight', poolId: 'p', extra: 1 },
      { type: 'runPreflight', poolId: { toString: () => 'p' } },
      { type: 'applyFix' }, { type: 'applyFix', ruleId: '' }, { type: 'applyFix', ruleId: 'auth0' }, { type: 'applyFix', ruleId: 'Token.alg' },
      { type: 'applyFix', ruleId: 'token.alg; rm -rf /' }, { type: 'applyFix', ruleId: 'a.b.c.d.e' }, { type: 'applyFix', ruleId: `a.${HUGE}` },
      { type: 'applyFix', ruleId: 'token.__proto__' }, { type: 'applyFix', ruleId: 'token.alg', poolId: 'x' }, { type: 'applyFix', ruleId: `token.${'a'.repeat(200)}` },
      { type: 'copy' }, { type: 'copy', field: 'token' }, { type: 'copy', field: 'raw' }, { type: 'copy', field: ['header'] }, { type: 'copy', field: 'header', index: 0 },
      { type: 'exchange', poolId: 'p' }, { type: 'pickPool', ruleId: 'token.alg' }, { type: 'inspectAnother', token: 'eyJ...' },
      // wizard messages are not inspector messages
      { type: 'check', form: FORM }, { type: 'cancel' }, { type: 'plan', step: 'tryIt' },
    ]);
  });
});

describe('parseWizardForm (the check command\'s argument)', () => {
  it('accepts exactly the four string fields', () => {
    assert.deepEqual(parseWizardForm(FORM), FORM);
    for (const bad of [undefined, null, 'x', [], { ...FORM, extra: '' }, { ...FORM, poolName: 1 }, { domain: 'd' }]) assert.equal(parseWizardForm(bad), undefined, JSON.stringify(bad));
  });
});
