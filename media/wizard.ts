import type { WizardHostMessage, WizardViewMessage, WizardViewState, WizardStepView, WizardForm, WizardPlanHolder } from '../src/shared/protocol';
import { t } from './lib/l10n';
import { h, vscodeApi } from './lib/vscodeApi';

const vscode = vscodeApi<WizardViewState, WizardViewMessage>();
const app = document.getElementById('app')!;
document.body.classList.add('sidebar');

const STATUS: Record<string, string> = { 'not-started': t('not started'), done: t('done'), 'needs-action': t('needs action'), error: t('error') };
const BADGE: Record<string, string> = { 'not-started': 'skip', done: 'pass', 'needs-action': 'warn', error: 'fail' };

function btn(label: string, msg: WizardViewMessage | (() => void), opts: { secondary?: boolean; id?: string; disabled?: boolean; title?: string } = {}): HTMLButtonElement {
  const b = h('button', { type: 'button', class: opts.secondary ? 'secondary' : undefined, id: opts.id, title: opts.title }, label) as HTMLButtonElement;
  b.disabled = Boolean(opts.disabled);
  b.addEventListener('click', () => (typeof msg === 'function' ? msg() : vscode.postMessage(msg)));
  return b;
}

function field(id: keyof WizardForm, label: string, value: string, placeholder: string, error: string | undefined): HTMLElement {
  const input = h('input', {
    type: 'text', id: `f-${id}`, value, placeholder, 'aria-label': label, spellcheck: 'false',
    'aria-invalid': error ? 'true' : undefined, 'aria-describedby': error ? `err-${id}` : undefined,
  });
  return h('label', { class: 'field', for: `f-${id}` }, h('span', {}, label), input,
    ...(error ? [h('span', { class: 'field-error', id: `err-${id}`, role: 'alert' }, error)] : []));
}

/** "Using pool X from the Resources view — Clear": what "Use in Setup Wizard" picked, shown, not hidden. */
function pickedLine(s: WizardViewState): HTMLElement | undefined {
  const p = s.picked;
  if (!p || (!p.poolId && !p.roleArn)) return undefined;
  const what = p.poolId && p.roleArn ? t('pool {0} and role {1}', p.poolId, p.roleArn) : p.poolId ? t('pool {0}', p.poolId) : t('role {0}', p.roleArn ?? '');
  const text = p.used ? t('Using {0} from the Resources view.', what)
    : t('Not using {0} from the Resources view: it is in {1}, the settings name {2}.', what, p.region ?? t('another region'), s.aws.region);
  const err = s.fieldErrors?.picked;
  return h('p', { class: p.used ? 'muted' : 'warn-text', id: 'picked' }, text, ' ',
    btn(t('Clear'), { type: 'clearPicked' }, { secondary: true, id: 'clear-picked', disabled: Boolean(s.busy), title: t('Use the names in the form instead') }),
    ...(err ? [h('span', { class: 'field-error', id: 'err-picked', role: 'alert' }, ` ${err}`)] : []));
}

function readForm(): WizardForm {
  const v = (id: string) => (document.getElementById(`f-${id}`) as HTMLInputElement | null)?.value ?? '';
  return { domain: v('domain'), clientId: v('clientId'), poolName: v('poolName'), roleName: v('roleName') };
}

function list(items: string[], cls = ''): HTMLElement | undefined {
  return items.length ? h('ul', { class: cls }, ...items.map((x) => h('li', {}, x))) : undefined;
}

function planBlock(s: WizardViewState, stepId: WizardPlanHolder['id'], plan: NonNullable<WizardPlanHolder['plan']>): HTMLElement {
  const busy = Boolean(s.busy);
  const box = h('div', { class: 'plan', 'data-plan': stepId },
    h('p', {}, h('strong', {}, t('Plan: ')), plan.summary));
  if (plan.changes.length) box.append(h('ul', { class: 'changes' }, ...plan.changes.map((c) => h('li', {}, `${c.what}: `, h('code', {}, c.from), ' → ', h('code', {}, c.to)))));
  if (plan.calls.length) {
    // The exact calls, with their JSON, open on demand (a sidebar is narrow; nothing scrolls sideways).
    box.append(h('details', { class: 'calls' },
      h('summary', {}, plan.calls.length === 1 ? t('1 call: {0}', plan.calls.map((c) => c.action).join(', ')) : t('{0} calls: {1}', plan.calls.length, plan.calls.map((c) => c.action).join(', '))),
      h('ol', {}, ...plan.calls.map((c) => h('li', {}, h('code', {}, `${c.service}:${c.action}`), h('pre', {}, JSON.stringify(c.params, null, 2)))))));
  }
  for (const w of plan.warnings) box.append(h('p', { class: 'warn-text' }, w));
  if (plan.manual) box.append(h('div', { class: 'manual' }, h('strong', {}, t('To do by hand: ')), plan.manual));
  if (plan.calls.length) {
    box.append(h('p', {}, btn(stepId === 'tryIt' ? t('Exchange the token') : t('Apply'), { type: 'apply', step: stepId }, { id: `apply-${stepId}`, disabled: busy, title: t('Make exactly the calls above') })));
  }
  return box;
}

/** True when `endpoint` is an AWS host (a regional or VPC endpoint of amazonaws.com). */
function isAwsHost(endpoint: string): boolean {
  try {
    return /(^|\.)amazonaws\.com(\.cn)?$/i.test(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}

/** Where the AWS calls go and which extra CAs are trusted, shown whenever they differ from plain AWS. */
function connectionTargets(s: WizardViewState): HTMLElement[] {
  const out: HTMLElement[] = [];
  const endpoint = s.aws.endpoint;
  if (endpoint) {
    out.push(h('p', { class: 'warn-text', id: 'aws-endpoint' }, isAwsHost(endpoint) ? t('AWS endpoint: {0} (custom AWS endpoint)', endpoint) : t('AWS endpoint: {0} (not AWS)', endpoint)));
  }
  const cas = s.aws.extraCaCertificates ?? [];
  if (cas.length) out.push(h('p', { class: 'warn-text', id: 'extra-cas' }, t('Extra CA certificates trusted: {0}', cas.join(', '))));
  const ignored = s.aws.ignoredWorkspaceSettings ?? [];
  if (ignored.length) {
    out.push(h('p', { class: 'muted', id: 'ignored-settings' }, t('Ignored from this workspace\'s settings (read from your user settings only): {0}', ignored.join(', '))));
  }
  return out;
}

/** A plan with its Apply button, then its outcome: the same for a step and for the sign-in callback URL. */
function planParts(s: WizardViewState, p: WizardPlanHolder): HTMLElement[] {
  const parts: HTMLElement[] = [];
  if (p.plan) parts.push(planBlock(s, p.id, p.plan));
  const o = p.outcome;
  if (o) {
    const res = h('div', { class: `outcome ${o.ok ? 'ok' : 'not-ok'}`, id: `outcome-${p.id}`, role: 'status' }, h('strong', {}, o.ok ? t('Done. ') : t('Failed. ')), o.message);
    const done = list(o.done);
    if (done && o.done.length > 1) res.append(h('details', {}, h('summary', {}, t('What was done ({0} calls)', o.done.length)), done));
    if (o.notDone.length) res.append(h('p', {}, t('Not done:')), list(o.notDone)!);
    if (o.result) {
      const r = o.result;
      res.append(h('dl', { id: 'try-result' }, h('dt', {}, t('Identity id')), h('dd', {}, r.identityId), h('dt', {}, t('Access key id')), h('dd', {}, r.accessKeyIdMasked),
        h('dt', {}, t('Expires')), h('dd', {}, r.expiration ?? '?'), h('dt', {}, t('STS caller')), h('dd', {}, r.callerArn ?? r.callerError ?? '?')));
    }
    parts.push(res);
  }
  return parts;
}

/** The role's name from its ARN (the tail after the last slash), for short lines. */
function roleName(arn: string | undefined): string {
  return arn ? arn.slice(arn.lastIndexOf('/') + 1) : t('(none)');
}

/** "Roles by user" (issue 13): the mapping being set up, the rules, and what the current token gets. */
function rolesParts(s: WizardViewState): Node[] {
  const r = s.roles;
  const busy = Boolean(s.busy);
  const m = r.mapping;
  const kind = m?.type ?? 'none';
  const choice = (value: 'none' | 'Rules' | 'Token', label: string, title: string) => {
    const b = btn(label, { type: 'setMappingType', value }, { secondary: kind !== value, id: `mapping-${value}`, disabled: busy, title });
    b.setAttribute('aria-pressed', String(kind === value));
    return b;
  };
  const out: Node[] = [
    h('p', { class: 'muted' }, t('Optional: give different users different IAM roles, by the claims of their Auth0 ID token.')),
    h('p', { role: 'group', 'aria-label': t('Role mapping') }, choice('none', t('Everyone the same role'), t('No role mapping: every signed-in user gets the authenticated role')), ' ',
      choice('Rules', t('Rules on claims'), t('Rules on token claims, first match wins (up to 25)')), ' ',
      choice('Token', t('Role named in the token'), t('The role in the token\'s cognito:preferred_role / cognito:roles claims'))),
  ];
  if (m?.type === 'Rules') {
    out.push(h('ol', { class: 'rules', id: 'rules' }, ...m.rules.map((x, i) => h('li', {},
      h('code', {}, x.claim), ` ${x.matchType} `, h('code', {}, JSON.stringify(x.value)), ' → ', h('span', { title: x.roleArn }, roleName(x.roleArn)), ' ',
      btn(t('Remove'), { type: 'removeRule', index: i }, { secondary: true, id: `remove-rule-${i}`, disabled: busy })))));
  }
  if (m) {
    out.push(h('p', {}, btn(m.type === 'Rules' ? t('Add rule…') : t('Add a rule instead…'), { type: 'addRule' }, { id: 'add-rule', disabled: busy, secondary: m.type !== 'Rules' })));
    const amb = (value: 'AuthenticatedRole' | 'Deny', label: string) => {
      const b = btn(label, { type: 'setAmbiguous', value }, { secondary: m.ambiguousRoleResolution !== value, id: `ambiguous-${value}`, disabled: busy });
      b.setAttribute('aria-pressed', String(m.ambiguousRoleResolution === value));
      return b;
    };
    out.push(h('p', { role: 'group', 'aria-label': t('When no role applies') }, m.type === 'Rules' ? t('When no rule matches: ') : t('When the token names no single role: '),
      amb('AuthenticatedRole', t('the authenticated role')), ' ', amb('Deny', t('deny the sign-in'))));
  }
  const tagsOn = Boolean(r.principalTags);
  const tags = btn(tagsOn ? t('Session tags: on') : t('Session tags: off'), { type: 'setDefaultTags', value: !tagsOn }, { secondary: !tagsOn, id: 'default-tags', disabled: busy, title: t('Claims as session tags for IAM conditions (defaults: client = aud, username = sub); the roles then need sts:TagSession') });
  tags.setAttribute('aria-pressed', String(tagsOn));
  out.push(h('p', {}, tags));
  if (r.prediction) {
    const p = r.prediction;
    out.push(h('p', { id: 'role-prediction', class: p.denied ? 'warn-text' : '', 'aria-live': 'polite' },
      h('strong', {}, t('For the current token: ')), p.denied ? `${t('denied.')} ${p.error ?? ''} ` : `${roleName(p.roleArn)}. `, p.why,
      ...(p.tags.length ? [` ${t('Session tags: {0}.', p.tags.join(', '))}`] : [])));
  } else {
    out.push(h('p', { class: 'muted', id: 'role-prediction' }, t('Sign in or paste a token (Try it) to pick claims from it and see which role it gets.')));
  }
  if (r.missingClaims.length) {
    out.push(h('p', { class: 'warn-text', id: 'missing-claims' }, t('The token has no {0} claim: add it with an Auth0 Action.', r.missingClaims.join(', ')), ' ',
      btn(t('Show the Action code'), { type: 'openActionCode' }, { secondary: true, id: 'action-code' })));
  }
  return out;
}

/** Steps the user opened or closed by hand (kept across renders). */
const toggled = new Map<string, boolean>();

/** The step to work on now: the first that is not done (Try it once the others are). */
function currentStep(s: WizardViewState): string | undefined {
  return s.steps.find((st) => st.inspection?.status !== 'done')?.id;
}

/**
 * One step of the compact stepper: a line with its number, title, status badge and one sentence;
 * open when it is the current step or shows a plan, an outcome or an error (or the user opened it).
 * The facts found and the values are under "Details", once.
 */
function stepSection(s: WizardViewState, st: WizardStepView, index: number): HTMLElement {
  const ins = st.inspection;
  const status = ins?.status ?? 'not-started';
  const busy = Boolean(s.busy);
  const active = st.id === currentStep(s) || Boolean(st.plan || st.outcome || st.error) || (st.id === 'tryIt' && Boolean(s.callbackPlan));
  // A new callback plan opens "Try it" even if the user had closed it: it answers their click on Sign in.
  const open = st.id === 'tryIt' && s.callbackPlan && !s.callbackPlan.outcome ? true : (toggled.get(st.id) ?? active);
  const summary = h('summary', {},
    h('span', { class: 'step-title' }, `${index + 1}. ${st.title}`), ' ',
    h('span', { class: `badge ${BADGE[status]}`, 'data-status': status }, STATUS[status] ?? status),
    h('span', { class: 'step-line muted' }, ins?.summary ?? st.description));
  const body = h('div', { class: 'step-body' });
  const det = h('details', { class: 'step-details' }, summary, body) as HTMLDetailsElement;
  det.open = open;
  det.addEventListener('toggle', () => toggled.set(st.id, det.open));
  const sec = h('section', { class: `step ${status}${active ? ' current' : ''}`, id: `step-${st.id}`, 'aria-label': st.title }, det);
  if (st.id === 'connections') {
    // Where the calls go: always visible, not behind a toggle.
    sec.append(...connectionTargets(s));
  }
  // A problem that is the step's one sentence already: only its hint (each fact shown once).
  if (ins) for (const p of ins.problems) body.append(h('div', { class: p.severity === 'error' ? 'error' : 'warn-text' }, ...(p.message === ins.summary ? [] : [h('strong', {}, p.message), ' ']), p.hint));
  if (st.error) body.append(h('div', { class: 'error' }, h('strong', {}, st.error.message), ' ', st.error.hint));
  if (st.id === 'roleMappings') body.append(...rolesParts(s));
  if (st.id === 'tryIt') {
    body.append(h('p', { id: 'token-summary' }, s.token ? t('Token ({0}): {1}', s.token.source, s.token.summary) : t('No token yet: sign in with Auth0, or paste an ID token.')),
      h('p', {}, btn(t('Sign in with Auth0'), { type: 'signIn' }, { id: 'sign-in', disabled: busy }), ' ', btn(t('Paste token…'), { type: 'pasteToken' }, { secondary: true, id: 'paste-token', disabled: busy })));
    // The plan a click on "Sign in" caused (allow the callback URL) shows right below that button.
    if (s.callbackPlan) {
      const cb = s.callbackPlan;
      body.append(h('div', { class: 'callback-plan', id: 'callback-plan' }, h('h4', {}, cb.title), ...planParts(s, cb)));
    }
  } else if (status !== 'done') {
    body.append(h('p', {}, btn(st.plan ? t('Plan again') : t('Plan'), { type: 'plan', step: st.id }, { id: `plan-${st.id}`, disabled: busy, secondary: Boolean(st.plan), title: t('Show exactly what would change; nothing is changed yet') })));
  }
  body.append(...planParts(s, st));
  if (ins && (ins.found.length || Object.keys(ins.values).length)) {
    const more = h('details', { class: 'more' }, h('summary', {}, t('Details')));
    const found = list(ins.found, 'found');
    if (found) more.append(found);
    const vals = Object.entries(ins.values);
    if (vals.length) more.append(h('dl', {}, ...vals.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, h('code', {}, v))])));
    body.append(more);
  }
  return sec;
}

function render(s: WizardViewState): void {
  vscode.setState(s);
  const busy = Boolean(s.busy);
  const parts: Node[] = [];
  if (s.busy) parts.push(h('p', { class: 'busy', role: 'status' }, s.busy, ' ', btn(t('Cancel'), { type: 'cancel' }, { secondary: true, id: 'cancel' })));
  if (s.error) parts.push(h('div', { class: 'error', role: 'alert', id: 'wizard-error' }, h('strong', {}, s.error.message), ' ', s.error.hint));

  if (!s.steps.some((st) => st.inspection)) {
    parts.push(h('p', { class: 'muted', id: 'get-started' }, t('New here?'), ' ', btn(t('Get started'), { type: 'openWalkthrough' }, { secondary: true, id: 'open-walkthrough', title: t('Open the Getting Started walkthrough: AWS, Auth0, the wizard, the token inspector') })));
  }
  const form = h('form', { id: 'setup-form' },
    field('domain', t('Auth0 domain'), s.form.domain, 'tenant.auth0.com', s.fieldErrors?.domain),
    field('clientId', t('Application client ID'), s.form.clientId, t('Client ID from the application settings'), s.fieldErrors?.clientId),
    field('poolName', t('Identity pool name'), s.form.poolName, 'auth0-cognito', s.fieldErrors?.poolName),
    field('roleName', t('Authenticated role (optional)'), s.form.roleName, 'Cognito_<pool>_Auth_Role', s.fieldErrors?.roleName),
    pickedLine(s),
    h('p', { class: 'muted' }, t('AWS: {0}', [s.aws.profile || t('default credentials'), s.aws.region, ...(s.aws.endpoint ? [s.aws.endpoint] : [])].join(' · ')), ' ',
      btn(t('Change…'), { type: 'openSettings' }, { secondary: true })),
    h('p', { class: 'muted', id: 'management' },
      t('Auth0 Management API: {0}', s.management === 'none' ? t('no access stored') : s.management === 'token' ? t('token stored in the OS keychain') : t('client credentials stored in the OS keychain')), ' ',
      s.management === 'none' ? btn(t('Add access…'), { type: 'setManagement' }, { secondary: true, id: 'set-management' }) : btn(t('Remove'), { type: 'clearManagement' }, { secondary: true })),
    h('p', {}, btn(t('Save and check'), () => vscode.postMessage({ type: 'check', form: readForm() }), { id: 'check-all', disabled: busy, title: t('Read what exists now, step by step; nothing is changed') })));
  form.addEventListener('submit', (e) => e.preventDefault());
  parts.push(form);

  s.steps.forEach((st, i) => parts.push(stepSection(s, st, i)));

  if (s.snippets) {
    // The code opens in an editor (it has the width); the sidebar keeps only the buttons.
    const sn = s.snippets;
    const langs = [['typescript', 'TypeScript'], ['swift', 'Swift'], ['kotlin', 'Kotlin']] as const;
    parts.push(h('section', { class: 'step', id: 'snippets' }, h('h3', {}, `${s.steps.length + 1}. ${t('Use it in your app')}`),
      h('p', { class: 'muted' }, t('Sign in with Auth0, then get AWS credentials from the identity pool: the code for your app, with this setup\'s values.')),
      h('p', {}, ...langs.flatMap(([l, label]) => [
        btn(label, { type: 'openSnippet', lang: l }, { id: `open-snippet-${l}`, secondary: l !== 'typescript', title: t('Open the {0} code in an editor', label) }), ' '])),
      h('p', {}, ...langs.flatMap(([l, label]) => [
        btn(t('Copy {0}', label), { type: 'copy', text: `snippet-${l}` }, { id: `copy-snippet-${l}`, secondary: true }), ' '])),
      ...(sn.missing.length ? [h('p', { class: 'warn-text' }, t('Not known yet: {0}.', sn.missing.join(', ')))] : [])));
  }
  // Setup as code (issue 10): the same plan as infrastructure code, and removing what the setup made.
  if (s.steps.some((st) => st.inspection)) {
    parts.push(h('section', { class: 'step', id: 'as-code' }, h('h3', {}, t('Setup as code')),
      h('p', { class: 'muted' }, t('The same setup as code for your repository (opens in an editor), or remove what this setup created (a plan is shown first).')),
      h('p', {},
        btn('CloudFormation', { type: 'export', format: 'cloudformation' }, { secondary: true, id: 'export-cloudformation', disabled: busy, title: t('Export as a CloudFormation template (YAML)') }), ' ',
        btn('Terraform', { type: 'export', format: 'terraform' }, { secondary: true, id: 'export-terraform', disabled: busy, title: t('Export as Terraform (HCL), with import blocks for what exists') }), ' ',
        btn('AWS CLI', { type: 'export', format: 'cli' }, { secondary: true, id: 'export-cli', disabled: busy, title: t('Export as an AWS CLI script (bash)') })),
      h('p', {}, btn(t('Tear down…'), { type: 'teardown' }, { secondary: true, id: 'teardown', disabled: busy, title: t('Remove the pool, role and provider this setup created (tagged); shows the plan first') }))));
  }
  app.replaceChildren(...parts);
}

window.addEventListener('message', (e: MessageEvent<WizardHostMessage>) => {
  if (e.data?.type === 'state') render(e.data.state);
});

const saved = vscode.getState();
if (saved) render(saved);
vscode.postMessage({ type: 'ready' });
