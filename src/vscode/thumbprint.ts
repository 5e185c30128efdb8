import * as vscode from 'vscode';
import type { ThumbprintResult } from '../engine/thumbprint';
import { describeError, isCancelled } from '../engine/errors';
import { parseThumbprintViewMessage, type ThumbprintHostMessage, type ThumbprintViewMessage } from '../shared/protocol';
import { Commands } from '../shared/commands';
import { Logger } from './logger';
import { timeoutMs, trustSettings } from './settings';
import { withCancellableProgress } from './progress';
import { WebviewHost } from './webviewHost';
import { thumbprintEngine } from './load/thumbprint';

/** What the command returns (used by tests and by other commands that chain on it). */
export type ThumbprintOutcome =
  | { ok: true; result: ThumbprintResult }
  | { ok: false; cancelled: boolean; invalidInput: boolean; message: string; hint: string };

export class ThumbprintFeature implements vscode.Disposable {
  private readonly panels = new Map<string, ThumbprintPanel>();
  private lastInput = '';

  constructor(private readonly extensionUri: vscode.Uri, private readonly log: Logger, private readonly defaults: () => { domain: string | undefined } = () => ({ domain: undefined })) {}

  /** Palette command: ask for a host (unless given), compute with progress + cancellation, show the result. */
  async run(hostArg?: unknown): Promise<ThumbprintOutcome | undefined> {
    const input = typeof hostArg === 'string' ? hostArg : await vscode.window.showInputBox({
      title: vscode.l10n.t('Compute OIDC Thumbprint'),
      prompt: vscode.l10n.t('The OpenID Connect provider host: your Auth0 domain, custom domain, or an https:// URL'),
      placeHolder: 'tenant.auth0.com',
      // The last host asked for, else the Auth0 domain of the setup wizard's form.
      value: this.lastInput || this.defaults().domain || '',
      ignoreFocusOut: true,
      validateInput: (v) => {
        if (!v.trim()) return undefined;
        try {
          thumbprintEngine().parseHostInput(v);
          return undefined;
        } catch (e) {
          const d = describeError(e);
          return `${d.message} ${d.hint}`;
        }
      },
    });
    if (input === undefined || !input.trim()) return undefined;
    this.lastInput = input.trim();
    const outcome = await this.compute(input);
    if (outcome.ok) this.show(outcome.result);
    else if (!outcome.cancelled) this.reportError(outcome, input);
    return outcome;
  }

  async compute(input: string): Promise<ThumbprintOutcome> {
    let target: string;
    try {
      target = thumbprintEngine().parseHostInput(input).host;
    } catch (e) {
      const d = describeError(e);
      return { ok: false, cancelled: false, invalidInput: true, message: d.message, hint: d.hint };
    }
    return withCancellableProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Reading the TLS chain of {0}…', target) },
      async (signal): Promise<ThumbprintOutcome> => {
        try {
          const trust = await trustSettings();
          const result = await thumbprintEngine().computeThumbprint(input, { signal, timeoutMs: timeoutMs(), extraCaPems: trust.extraCaPems });
          this.log.info('thumbprint', `${result.target}: ${result.certificates.length} certificate(s), thumbprint ${result.thumbprint}`);
          return { ok: true, result };
        } catch (e) {
          const d = describeError(e);
          if (isCancelled(e)) this.log.info('thumbprint', `${target}: cancelled`);
          else this.log.error('thumbprint', `${target}: ${d.message}`, d.code === 'INTERNAL' ? e : undefined);
          return { ok: false, cancelled: isCancelled(e), invalidInput: d.code === 'INVALID_INPUT', message: d.message, hint: d.hint };
        }
      },
    );
  }

  private reportError(o: Extract<ThumbprintOutcome, { ok: false }>, input: string): void {
    // Bad input is fixed by editing it; a network failure may pass on a second try.
    const again = o.invalidInput ? vscode.l10n.t('Edit Host…') : vscode.l10n.t('Try Again');
    const showLog = vscode.l10n.t('Show Log');
    void vscode.window.showErrorMessage(`${o.message} ${o.hint}`, again, showLog).then((pick) => {
      if (pick === again) {
        this.lastInput = input.trim();
        void this.run(o.invalidInput ? undefined : input);
      } else if (pick === showLog) this.log.show();
    });
  }

  show(result: ThumbprintResult): void {
    let panel = this.panels.get(result.target);
    if (!panel) {
      panel = new ThumbprintPanel(this.extensionUri, result, this.log, () => this.panels.delete(result.target));
      this.panels.set(result.target, panel);
    } else {
      panel.update(result);
    }
  }

  dispose(): void {
    for (const p of this.panels.values()) p.dispose();
    this.panels.clear();
  }
}

/** A read-only view of one host's chain and thumbprint, with copy actions. */
class ThumbprintPanel {
  private readonly host: WebviewHost<ThumbprintResult, ThumbprintViewMessage, ThumbprintHostMessage>;

  constructor(extensionUri: vscode.Uri, private result: ThumbprintResult, private readonly log: Logger, onDisposed: () => void) {
    this.host = new WebviewHost({
      extensionUri, script: 'thumbprint', title: vscode.l10n.t('Thumbprint: {0}', result.target), log, topic: 'thumbprint',
      parse: parseThumbprintViewMessage,
      state: () => this.result,
      stateMessage: (r) => ({ type: 'show', result: r }),
      onMessage: (m) => this.onMessage(m),
      onDidDispose: onDisposed,
    });
    this.host.showPanel('auth0Cognito.thumbprint', vscode.l10n.t('Thumbprint: {0}', result.target), { viewColumn: vscode.ViewColumn.Active, preserveFocus: false });
  }

  update(result: ThumbprintResult): void {
    this.result = result;
    this.host.showPanel('auth0Cognito.thumbprint', vscode.l10n.t('Thumbprint: {0}', result.target));
    this.host.postState();
  }

  private onMessage(m: Exclude<ThumbprintViewMessage, { type: 'ready' }>): void {
    switch (m.type) {
      case 'recompute':
        // The command shows its result in this panel (panels are keyed by target).
        void vscode.commands.executeCommand(Commands.computeThumbprint, this.result.target);
        return;
      case 'copy': {
        const r = this.result;
        let text: string | undefined;
        let label: string;
        if ('index' in m) {
          text = r.certificates[m.index]?.[m.field];
          label = `${m.field.toUpperCase()} ${m.index + 1}`;
        } else if (m.field === 'thumbprint') {
          text = r.thumbprint;
          label = vscode.l10n.t('Thumbprint');
        } else {
          text = thumbprintEngine().formatThumbprintText(r);
          label = vscode.l10n.t('Report');
        }
        if (text === undefined) return;
        vscode.env.clipboard.writeText(text).then(
          () => this.host.post({ type: 'copied', label }),
          (e: unknown) => {
            this.log.error('thumbprint', 'clipboard write failed', e);
            this.host.post({ type: 'copyFailed', label });
          },
        );
        return;
      }
    }
  }

  dispose(): void {
    this.host.dispose();
  }
}
