/**
 * applyPlanned (src/engine/plan/apply.ts), with real plan objects: the re-plan and the steps'
 * run functions are parameters, so no SDK is involved.
 */
import * as assert from 'node:assert/strict';
import { EngineError } from '../../../../src/engine/errors';
import { PLAN_CHANGED_MESSAGE, applyPlanned, planCall, type Executable, type Plan, type PlanStep } from '../../../../src/engine/plan';

interface Subject { kind: 'test'; name: string }
type State = { made: string[]; arn?: string };

function planOf(steps: ReadonlyArray<PlanStep<State>>, over: Partial<Plan<Subject>> = {}): Plan<Subject> {
  return {
    subject: { kind: 'test', name: 'demo' },
    title: 'Demo',
    summary: 'Create the role and attach it.',
    changes: [{ what: 'Role', from: '(none)', to: 'demo' }],
    calls: steps.map((s) => s.call),
    preconditions: ['No role named demo exists.'],
    alreadyDone: false,
    warnings: [],
    ...over,
  };
}

function step(action: string, run: (s: State) => Promise<string>, params: object = { RoleName: 'demo' }): PlanStep<State> {
  return { call: planCall('iam', action, params), pending: `${action} demo.`, run };
}

const okStep = (action: string) => step(action, async (s) => {
  s.made.push(action);
  return `${action} done.`;
});

function replanWith(x: Executable<Subject, State>, count?: { n: number }) {
  return async () => {
    if (count) count.n++;
    return x;
  };
}

describe('applyPlanned (the one apply loop)', () => {
  it('makes the calls in order and reports them done', async () => {
    const steps = [okStep('CreateRole'), okStep('SetIdentityPoolRoles')];
    const shown = planOf(steps);
    const state: State = { made: [] };
    const replans = { n: 0 };
    const out = await applyPlanned(shown, replanWith({ plan: planOf(steps), steps }, replans), { state });
    assert.equal(replans.n, 1, 'plans again exactly once before writing');
    assert.deepEqual(state.made, ['CreateRole', 'SetIdentityPoolRoles']);
    assert.deepEqual(out, { ok: true, done: ['CreateRole done.', 'SetIdentityPoolRoles done.'], notDone: [], writeCalls: 2, message: 'CreateRole done. SetIdentityPoolRoles done.' });
  });

  it('passes what earlier calls learn to later ones (state)', async () => {
    const steps = [
      step('CreateRole', async (s) => { s.arn = 'arn:aws:iam::123456789012:role/demo'; return 'created'; }),
      step('SetIdentityPoolRoles', async (s) => `set ${s.arn}`),
    ];
    const out = await applyPlanned(planOf(steps), replanWith({ plan: planOf(steps), steps }), { state: { made: [] } });
    assert.deepEqual(out.done, ['created', 'set arn:aws:iam::123456789012:role/demo']);
  });

  it('already done: no call, ok, says so', async () => {
    let ran = false;
    const steps = [step('CreateRole', async () => { ran = true; return 'x'; })];
    const fresh = planOf([], { alreadyDone: true, summary: 'The role demo exists.', changes: [] });
    const out = await applyPlanned(planOf(steps), replanWith({ plan: fresh, steps: [] }));
    assert.equal(ran, false);
    assert.deepEqual(out, { ok: true, done: [], notDone: [], writeCalls: 0, alreadyDone: true, message: 'Nothing to do, nothing was changed: The role demo exists.' });
  });

  it('manual only: no call, not ok, the manual text', async () => {
    const manual = 'In the Auth0 Dashboard, set the signing algorithm to RS256.';
    const fresh = planOf([], { manual, summary: 'Switch the application to RS256.' });
    const out = await applyPlanned(fresh, replanWith({ plan: fresh, steps: [] }));
    assert.deepEqual(out, { ok: false, done: [], notDone: ['Switch the application to RS256.'], writeCalls: 0, message: manual });
    // Without a manual text, the summary is the message.
    const bare = planOf([], { summary: 'Nothing the extension can do.' });
    assert.equal((await applyPlanned(bare, replanWith({ plan: bare, steps: [] }))).message, 'Nothing the extension can do.');
  });

  it('changed since shown: no call, not ok, the new plan comes back', async () => {
    let ran = 0;
    const shownSteps = [step('CreateRole', async () => { ran++; return 'x'; })];
    const freshSteps = [step('CreateRole', async () => { ran++; return 'x'; }, { RoleName: 'demo-2' }), okStep('SetIdentityPoolRoles')];
    const fresh = planOf(freshSteps, { summary: 'Create demo-2.' });
    const out = await applyPlanned(planOf(shownSteps), replanWith({ plan: fresh, steps: freshSteps }), { state: { made: [] } });
    assert.equal(ran, 0, 'nothing was called');
    assert.equal(out.ok, false);
    assert.equal(out.writeCalls, 0);
    assert.deepEqual(out.done, []);
    assert.deepEqual(out.notDone, ['CreateRole demo.', 'SetIdentityPoolRoles demo.']);
    assert.equal(out.message, PLAN_CHANGED_MESSAGE);
    assert.equal(out.newPlan, fresh);
  });

  it('compares calls regardless of key order, and can show a fuller plan than the one re-made for applying', async () => {
    const a = [step('UpdateIdentityPool', async () => 'updated', { A: 1, B: { c: 2, d: 3 } })];
    const b = [step('UpdateIdentityPool', async () => 'updated', { B: { d: 3, c: 2 }, A: 1 })];
    assert.equal((await applyPlanned(planOf(a), replanWith({ plan: planOf(b), steps: b }))).ok, true);

    const other = [okStep('DeleteRole')];
    const toShow = planOf(other, { warnings: ['checked 3 identity pools'] });
    const out = await applyPlanned(planOf(a), replanWith({ plan: planOf(other), steps: other }), { planToShow: async () => toShow });
    assert.equal(out.newPlan, toShow);
  });

  it('stops at the first failure and reports done / not done', async () => {
    const made: string[] = [];
    const steps = [
      step('CreateRole', async () => { made.push('CreateRole'); return 'Created the role demo.'; }),
      step('PutRolePolicy', async () => { throw new EngineError('AWS', 'AccessDenied: iam:PutRolePolicy', 'Add iam:PutRolePolicy to your policy.'); }),
      step('SetIdentityPoolRoles', async () => { made.push('SetIdentityPoolRoles'); return 'set'; }),
    ];
    const out = await applyPlanned(planOf(steps), replanWith({ plan: planOf(steps), steps }), { unit: 'call', retry: 'Applying again' });
    assert.deepEqual(made, ['CreateRole'], 'nothing after the failure runs');
    assert.equal(out.ok, false);
    assert.equal(out.writeCalls, 2, 'the failing call counts');
    assert.deepEqual(out.done, ['Created the role demo.']);
    assert.deepEqual(out.notDone, ['PutRolePolicy demo.', 'SetIdentityPoolRoles demo.']);
    assert.deepEqual(out.error, { code: 'AWS', message: 'AccessDenied: iam:PutRolePolicy', hint: 'Add iam:PutRolePolicy to your policy.' });
    assert.equal(out.message, 'Failed (call 2 of 3, iam:PutRolePolicy): AccessDenied: iam:PutRolePolicy Add iam:PutRolePolicy to your policy. Done before that: Created the role demo. Applying again continues from there.');
  });

  it('a first call that fails says nothing was changed; explain rewrites the error', async () => {
    const steps = [step('DeleteRole', async () => { throw new EngineError('AWS', 'NoSuchEntity: role demo', 'h'); })];
    const out = await applyPlanned(planOf(steps), replanWith({ plan: planOf(steps), steps }), {
      explain: (e) => new EngineError('AWS', `${(e as Error).message} (deleted after the plan was made?)`, 'Plan again.'),
    });
    assert.equal(out.message, 'Failed (iam:DeleteRole): NoSuchEntity: role demo (deleted after the plan was made?) Plan again. Nothing was changed.');
  });

  it('cancelled: before re-planning it throws; between calls it stops and says Cancelled', async () => {
    const ac = new AbortController();
    ac.abort();
    const steps = [okStep('CreateRole')];
    await assert.rejects(applyPlanned(planOf(steps), replanWith({ plan: planOf(steps), steps }), { signal: ac.signal }), (e: unknown) => e instanceof EngineError && e.code === 'CANCELLED');

    const ac2 = new AbortController();
    const two = [step('CreateRole', async () => { ac2.abort(); return 'Created.'; }), okStep('SetIdentityPoolRoles')];
    const out = await applyPlanned(planOf(two), replanWith({ plan: planOf(two), steps: two }), { signal: ac2.signal, state: { made: [] } });
    assert.equal(out.ok, false);
    assert.equal(out.error?.code, 'CANCELLED');
    assert.match(out.message, /^Cancelled \(step 2 of 2, iam:SetIdentityPoolRoles\)/);
    assert.deepEqual(out.done, ['Created.']);
    assert.deepEqual(out.notDone, ['SetIdentityPoolRoles demo.']);
  });

  it('re-planning that throws changes nothing and throws', async () => {
    const steps = [okStep('CreateRole')];
    await assert.rejects(applyPlanned(planOf(steps), async () => { throw new EngineError('AWS', 'no network', 'retry'); }), /no network/);
  });
});
