import type { InspectorHostMessage, InspectorViewMessage, InspectorViewState } from '../src/shared/protocol';
import type { RuleResult } from '../src/engine/token/preflight';
import { t } from './lib/l10n';
import { h, vscodeApi } from './lib/vscodeApi';

const vscode = vscodeApi<InspectorViewState, InspectorViewMessage>();
const app = document.getElementById('app')!;

const STATUS_LABEL: Record<string, string> = { pass: t('pass'), fail: t('FAIL'), warn: t('warn'), skip: t('skip') };
/** The signature's badge (the status as the engine names it). */
const SIGNATURE_LABEL: Record<string, string> = {
  valid: t('valid'), invalid: t('invalid'), 'key-not-found': t('key-not-found'), 'jwks-unreachable': t('jwks-unreachable'),
  'unsupported-alg': t('unsupported-alg'), 'not-checked': t('not-checked'),
};

function button(label: string, msg: InspectorViewMessage, opts: { secondary?: boolean; id?: string; disabled?: boolean; title?: string } = {}): HTMLElement {
  const b = h('button', { type: 'button', class: opts.secondary ? 'secondary' : undefined, id: opts.id, title: opts.title }, label) as HTMLButtonElement;
  b.disabled = Boolean(opts.disabled);
  b.addEventListener('click', () => vscode.postMessage(msg));
  return b;
}

function kv(rows: Array<[string, string | undefined]>): HTMLElement {
  const dl = h('dl');
  for (const [k, v] of rows) if (v !== undefined && v !== '') dl.append(h('dt', {}, k), h('dd', {}, v));
  return dl;
}

function str(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function ruleRow(r: RuleResult, s: InspectorViewState): HTMLElement {
  const fixed = s.fixes[r.id];
  const row = h('li', { class: `rule ${r.status}`, 'data-rule': r.id },
    h('span', { class: `badge ${r.status}` }, STATUS_LABEL[r.status] ?? r.status), ' ',
    h('strong', {}, r.title), ' ',
    h('span', { class: 'rule-message' }, r.message));
  if (r.awsError && r.status !== 'pass' && r.status !== 'skip') {
    row.append(h('div', { class: 'aws-error' }, h('span', { class: 'muted' }, r.awsErrorVerbatim === false ? t('Cognito would answer (approximately): ') : t('Cognito would answer: ')), h('code', {}, r.awsError)));
  }
  if (r.hint && r.status !== 'pass') row.append(h('div', { class: 'hint' }, t('Fix: {0}', r.hint)));
  if (r.fix && r.status !== 'pass') {
    row.append(h('div', { class: 'actions' }, button(r.fix.kind === 'fixLoginsKey' ? t('Show the change') : t('Fix…'), { type: 'applyFix', ruleId: r.id }, { secondary: false, disabled: Boolean(s.busy), title: t('Plan the fix ({0}); nothing changes before you confirm', r.fix.kind) })));
  }
  if (fixed) row.append(h('div', { class: fixed.ok ? 'fixed ok' : 'fixed' }, fixed.message));
  return row;
}

function render(s: InspectorViewState): void {
  // The state holds no token (the host keeps it; see InspectorTokenView): safe to persist.
  vscode.setState(s);
  const parts: Array<Node> = [h('h1', {}, t('Token Inspector'))];
  if (s.busy) parts.push(h('p', { class: 'busy', role: 'status' }, s.busy));
  if (s.error) parts.push(h('div', { class: 'error', role: 'alert' }, h('strong', {}, s.error.message), ' ', s.error.hint));

  const d = s.decoded;
  if (!d.ok) {
    parts.push(h('div', { class: 'error', id: 'problem', role: 'alert' }, h('strong', {}, d.problem), ' ', d.hint),
      h('p', {}, button(t('Inspect another token'), { type: 'inspectAnother' }, { id: 'inspect-another' })));
    app.replaceChildren(...parts);
    return;
  }
  const kindText = d.kind === 'id' ? t('ID token') : d.kind === 'access' ? t('Access token') : t('JWT (kind unclear)');
  parts.push(h('p', { id: 'kind' }, h('strong', {}, kindText), ` — ${d.kindReason}`));
  if (d.cleaned.length) parts.push(h('p', { class: 'muted' }, t('Cleaned the input: {0}.', d.cleaned.join('; '))));
  for (const w of d.warnings) parts.push(h('p', { class: 'warn-text' }, w));

  const c = d.claims;
  const times = d.times;
  const when = (x: typeof times.exp) => (x ? t('{0} ({1}) · local {2}', x.iso, x.text, new Date(x.value * 1000).toLocaleString()) : undefined);
  parts.push(h('h2', {}, t('Claims')), kv([
    [t('Issuer (iss)'), str(c.iss)], [t('Audience (aud)'), str(c.aud)], [t('Authorized party (azp)'), str(c.azp)], [t('Subject (sub)'), str(c.sub)],
    [t('Expires (exp)'), when(times.exp)], [t('Issued (iat)'), when(times.iat)], [t('Authenticated (auth_time)'), when(times.auth_time)], [t('Not before (nbf)'), when(times.nbf)],
    [t('Algorithm (alg)'), d.alg], [t('Key id (kid)'), d.kid],
    [t('Length'), d.tooLong ? t('{0} characters (over Cognito\'s 50,000 limit)', d.length) : t('{0} characters', d.length)],
  ]));

  const sig = s.signature;
  parts.push(h('h2', {}, t('Signature')));
  if (!sig) parts.push(h('p', { class: 'muted' }, t('Not checked: the token has no issuer.')));
  else if (sig.status === 'checking') parts.push(h('p', { id: 'signature', class: 'muted' }, t('Checking against the issuer\'s JWKS…')));
  else parts.push(h('p', { id: 'signature', class: `sig ${sig.status}` }, h('span', { class: `badge ${sig.status === 'valid' ? 'pass' : 'fail'}` }, SIGNATURE_LABEL[sig.status] ?? sig.status), ' ', sig.message, sig.status === 'valid' ? '' : ` ${sig.hint}`));

  parts.push(h('h2', {}, t('Cognito preflight')));
  const input = h('input', { type: 'text', id: 'pool-id', placeholder: 'us-east-1:00000000-0000-0000-0000-000000000000', value: s.poolId, 'aria-label': t('Identity pool id'), size: '50' }) as HTMLInputElement;
  const run = h('button', { type: 'button', id: 'run-preflight' }, t('Check against pool')) as HTMLButtonElement;
  run.disabled = Boolean(s.busy);
  run.addEventListener('click', () => vscode.postMessage({ type: 'runPreflight', poolId: input.value }));
  input.addEventListener('keydown', (e) => { if (e.key === 'Enter') vscode.postMessage({ type: 'runPreflight', poolId: input.value }); });
  parts.push(h('div', { class: 'target' }, h('label', { for: 'pool-id' }, t('Identity pool'), ' '), input, ' ', run, ' ',
    button(t('Choose pool…'), { type: 'pickPool' }, { secondary: true, id: 'pick-pool', disabled: Boolean(s.busy) })));

  const rep = s.preflight;
  if (rep) {
    parts.push(h('p', { id: 'summary', class: rep.verdict === 'pass' ? 'ok' : rep.verdict === 'fail' ? 'not-ok' : 'unconfirmed' },
      h('strong', {}, rep.verdict === 'pass' ? t('Pass') : rep.verdict === 'fail' ? t('Would be rejected') : t('Cannot confirm')),
      ` (${s.reportTarget === 'token only' ? t('token only') : s.reportTarget}): ${rep.summary}`));
    if (rep.predictedError) parts.push(h('p', { id: 'predicted' }, t('Predicted answer from Cognito: '), h('code', {}, rep.predictedError)));
    if (rep.expectedLoginsKey) parts.push(h('p', {}, t('Logins key for your app: '), h('code', { id: 'logins-key' }, rep.expectedLoginsKey)));
    for (const n of s.notes) parts.push(h('p', { class: 'warn-text' }, n));
    const order = { fail: 0, warn: 1, pass: 2, skip: 3 } as Record<string, number>;
    const rules = [...rep.rules].sort((a, b) => (order[a.status] ?? 9) - (order[b.status] ?? 9));
    parts.push(h('ul', { class: 'rules', id: 'rules' }, ...rules.map((r) => ruleRow(r, s))));
    if (s.reportTarget && s.reportTarget !== 'token only') {
      parts.push(h('p', {}, button(t('Try the real exchange'), { type: 'exchange' }, { id: 'exchange', disabled: Boolean(s.busy), title: t('GetId + GetCredentialsForIdentity with this token') }),
        ' ', h('span', { class: 'muted' }, t('Calls GetId and GetCredentialsForIdentity; credentials are shown masked.'))));
    }
  }
  const x = s.exchange;
  if (x) {
    const verdict = x.agreesWithPrediction ? t('as the preflight predicted') : t('unlike the preflight predicted');
    parts.push(h('div', { id: 'exchange-result', class: x.ok ? 'ok' : 'not-ok' },
      x.ok
        ? kv([[t('Result'), t('Credentials issued, {0}.', verdict)], [t('Identity id'), x.identityId], [t('Access key id'), x.accessKeyIdMasked], [t('Expires'), x.expiration]])
        : kv([[t('Result'), t('Cognito refused, {0}.', verdict)], [t('Step'), x.step], [t('Error'), `${x.errorName}: ${x.message}`], [t('Predicted'), x.prediction]])));
  }

  parts.push(h('h2', {}, t('Raw')), h('p', {},
    button(t('Copy header'), { type: 'copy', field: 'header' }, { secondary: true }), ' ',
    button(t('Copy claims'), { type: 'copy', field: 'claims' }, { secondary: true }), ' ',
    button(t('Copy report'), { type: 'copy', field: 'report' }, { secondary: true }), ' ',
    button(t('Inspect another token'), { type: 'inspectAnother' }, { secondary: true, id: 'inspect-another' })),
  h('pre', { id: 'header-json' }, JSON.stringify(d.header, null, 2)), h('pre', { id: 'claims-json' }, JSON.stringify(d.claims, null, 2)));
  app.replaceChildren(...parts);
}

window.addEventListener('message', (e: MessageEvent<InspectorHostMessage>) => {
  if (e.data?.type === 'state') render(e.data.state);
});

const saved = vscode.getState();
if (saved) render(saved);
vscode.postMessage({ type: 'ready' });
