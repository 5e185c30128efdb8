import type { ThumbprintHostMessage, ThumbprintViewMessage } from '../src/shared/protocol';
import type { ThumbprintResult } from '../src/engine/thumbprint';
import { t } from './lib/l10n';
import { h, vscodeApi } from './lib/vscodeApi';

const vscode = vscodeApi<ThumbprintResult, ThumbprintViewMessage>();
const app = document.getElementById('app')!;

function copyButton(label: string, msg: ThumbprintViewMessage, title: string): HTMLElement {
  const b = h('button', { type: 'button', class: 'secondary', title, 'aria-label': title }, label);
  b.addEventListener('click', () => vscode.postMessage(msg));
  return b;
}

function render(r: ThumbprintResult): void {
  vscode.setState(r);
  const rows = r.certificates.map((c, i) => {
    const isThumb = i === r.thumbprintIndex;
    return h('section', { class: `cert${isThumb ? ' selected' : ''}`, 'data-index': String(i) },
      h('h3', {}, `${i + 1}. ${c.role}`, isThumb ? ` ${t('(thumbprint)')}` : '', c.expired ? h('span', { class: 'badge error' }, t('expired')) : undefined),
      h('dl', {},
        h('dt', {}, t('Subject')), h('dd', {}, c.subject),
        h('dt', {}, t('Issuer')), h('dd', {}, c.issuer),
        h('dt', {}, t('Valid')), h('dd', {}, `${c.validFrom} – ${c.validTo}`),
        h('dt', {}, 'SHA-1'), h('dd', {}, h('code', { class: 'sha1' }, c.sha1), ' ', copyButton(t('Copy'), { type: 'copy', field: 'sha1', index: i }, t('Copy SHA-1 of certificate {0}', i + 1))),
        h('dt', {}, 'SHA-256'), h('dd', {}, h('code', {}, c.sha256), ' ', copyButton(t('Copy'), { type: 'copy', field: 'sha256', index: i }, t('Copy SHA-256 of certificate {0}', i + 1))),
        h('dt', {}, 'PEM'), h('dd', {}, copyButton(t('Copy PEM'), { type: 'copy', field: 'pem', index: i }, t('Copy PEM of certificate {0}', i + 1))),
      ));
  });
  const copyMain = h('button', { type: 'button', id: 'copy-thumbprint', title: t('Copy the thumbprint') }, t('Copy thumbprint'));
  copyMain.addEventListener('click', () => vscode.postMessage({ type: 'copy', field: 'thumbprint' }));
  const recompute = h('button', { type: 'button', class: 'secondary', id: 'recompute' }, t('Recompute'));
  recompute.addEventListener('click', () => vscode.postMessage({ type: 'recompute' }));
  app.replaceChildren(
    h('h1', {}, t('OIDC thumbprint for {0}', r.target)),
    h('p', { class: 'thumbprint' }, h('code', { id: 'thumbprint' }, r.thumbprint), ' ', copyMain, ' ',
      copyButton(t('Copy report'), { type: 'copy', field: 'report' }, t('Copy the whole report as text')), ' ', recompute),
    h('p', { id: 'explanation' }, r.explanation),
    ...(r.warnings.length ? [h('ul', { class: 'warnings' }, ...r.warnings.map((w) => h('li', {}, w)))] : []),
    h('h2', {}, t('Certificates presented ({0}, leaf first)', r.certificates.length)),
    ...rows,
    h('p', { id: 'status', role: 'status', class: 'muted' }),
  );
}

window.addEventListener('message', (e: MessageEvent<ThumbprintHostMessage>) => {
  const m = e.data;
  if (m.type === 'show') render(m.result);
  else {
    const s = document.getElementById('status');
    if (s) s.textContent = m.type === 'copied' ? t('{0} copied to the clipboard.', m.label) : t('{0} could not be copied (see the log).', m.label);
  }
});

const saved = vscode.getState();
if (saved) render(saved);
vscode.postMessage({ type: 'ready' });
