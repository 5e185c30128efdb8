/** The one plan formatter (src/engine/plan/format.ts): text and JSON, with real plan objects. */
import * as assert from 'node:assert/strict';
import { formatPlan, formatPlanJson, planCall, planJson, type Plan } from '../../../../src/engine/plan';
import { formatOutcome } from '../../../../src/engine/setup/format';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJl';

function plan(over: Partial<Plan<{ kind: 'fix' }>> = {}): Plan<{ kind: 'fix' }> {
  return {
    subject: { kind: 'fix' },
    title: 'Fix the authenticated role\'s trust policy',
    summary: 'Replace the trust policy of the role demo.',
    changes: [{ what: 'Trust policy of the role demo', from: '{\n  "a": 1\n}', to: '{"b":2}' }],
    calls: [planCall('iam', 'UpdateAssumeRolePolicy', { RoleName: 'demo', PolicyDocument: '{"b":2}' })],
    preconditions: ['The role demo trusts any identity pool.'],
    alreadyDone: false,
    warnings: ['The pool us-east-1:x can no longer use it.'],
    ...over,
  };
}

describe('formatPlan (the one plan formatter)', () => {
  it('text: title, summary, changes from -> to, calls in order, notes', () => {
    assert.equal(formatPlan(plan()), [
      'Fix the authenticated role\'s trust policy',
      'Plan: Replace the trust policy of the role demo.',
      'Changes:',
      '- Trust policy of the role demo:',
      '    from: {',
      '            "a": 1',
      '          }',
      '    to:   {"b":2}',
      'Calls:',
      '1. iam UpdateAssumeRolePolicy {"RoleName":"demo","PolicyDocument":"{\\"b\\":2}"}',
      'Note: The pool us-east-1:x can no longer use it.',
    ].join('\n'));
  });

  it('text without the title, indented under a step, with what the plan was built on', () => {
    assert.equal(formatPlan(plan({ warnings: [] }), { title: false, indent: '  ', preconditions: true }), [
      'Plan: Replace the trust policy of the role demo.',
      '  Built on:',
      '  - The role demo trusts any identity pool.',
      '  Changes:',
      '  - Trust policy of the role demo:',
      '      from: {',
      '              "a": 1',
      '            }',
      '      to:   {"b":2}',
      '  Calls:',
      '  1. iam UpdateAssumeRolePolicy {"RoleName":"demo","PolicyDocument":"{\\"b\\":2}"}',
    ].join('\n'));
  });

  it('already done, manual only, no call, read calls', () => {
    assert.equal(formatPlan(plan({ alreadyDone: true, summary: 'Already trusted.', changes: [], calls: [] })), 'Fix the authenticated role\'s trust policy\nPlan: Already trusted.\nNothing to change.');
    const manual = formatPlan(plan({ calls: [], changes: [], warnings: [], manual: 'Open the Auth0 Dashboard.\nSet RS256.' }));
    assert.match(manual, /\nTo do by hand:\n {2}Open the Auth0 Dashboard\.\n {2}Set RS256\.$/);
    assert.doesNotMatch(manual, /No call to make/);
    assert.match(formatPlan(plan({ calls: [], changes: [], warnings: [] })), /\nNo call to make\.$/);
    assert.match(formatPlan(plan({ calls: [planCall('sts', 'GetCallerIdentity', {}, 'read')] })), /\n1\. sts GetCallerIdentity \(read\) \{\}\n/);
  });

  it('masks secrets in calls (planCall) and JWTs anywhere, in text and JSON', () => {
    const p = plan({
      summary: `Send ${JWT}`,
      calls: [planCall('auth0', 'PATCH /api/v2/clients/{id}', { client_secret: 'supersecretvalue123', body: { token: JWT } })],
    });
    assert.equal(p.calls[0]?.access, 'write');
    const text = formatPlan(p);
    const json = formatPlanJson(p);
    for (const out of [text, json]) {
      assert.ok(!out.includes(JWT), out);
      assert.ok(!out.includes('supersecretvalue123'), out);
      assert.match(out, new RegExp(`<jwt ${JWT.length} chars>`));
    }
  });

  it('JSON: every field of the plan, parseable', () => {
    const p = plan();
    assert.deepEqual(JSON.parse(formatPlanJson(p)), p);
    assert.deepEqual(planJson(p), p);
    assert.equal(formatPlanJson(p, 0), JSON.stringify(p));
  });
});

describe('a setup outcome with a new plan (CLI --apply)', () => {
  it('shows the new plan with the one formatter, under the outcome', () => {
    const newPlan = { ...plan({ warnings: [], changes: [] }), subject: { kind: 'setup' as const, step: 'authenticatedRole' as const, outputs: {} } };
    const text = formatOutcome({ step: 'authenticatedRole', ok: false, message: 'm', done: [], notDone: ['n'], writeCalls: 0, outputs: {}, newPlan }, 'Authenticated role');
    assert.equal(text, [
      'FAILED Authenticated role (0 write calls)',
      '  m',
      '  not done: n',
      '  Plan: Replace the trust policy of the role demo.',
      '    Calls:',
      '    1. iam UpdateAssumeRolePolicy {"RoleName":"demo","PolicyDocument":"{\\"b\\":2}"}',
    ].join('\n'));
  });
});
