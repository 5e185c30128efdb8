import * as vscode from 'vscode';
import type { StepId } from '../engine/setup';
import { Views } from '../shared/commands';
import { parseWizardViewMessage, type ExportFormatId, type WizardViewMessage, type WizardViewState } from '../shared/protocol';
import type { Logger } from './logger';
import type { Secrets } from './secrets';
import * as settings from './settings';
import { WebviewHost, viewSurface } from './webviewHost';
import type * as Controller from './wizardController';
import * as selection from './wizardSelection';

/**
 * What the wizard's code (a chunk of its own) reaches through extension.js: modules whose state
 * must be one per window (settings.ts: the ignored-settings warnings; wizardSelection.ts: the
 * event "Use in Setup Wizard" fires). A chunk that imported them would get copies of its own.
 */
export interface WizardServices {
  settings: typeof settings;
  selection: typeof selection;
}

/**
 * The setup wizard's view, as registered at activation: the page and the commands' entry points.
 * Everything else (the state machine over src/engine/setup) is `WizardController`, in
 * dist/chunks/wizard.js (CHUNKS in esbuild.mjs), loaded when the page first asks for its state
 * or a wizard command runs.
 */
export class WizardView implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = Views.wizard;
  private readonly host: WebviewHost<WizardViewState, WizardViewMessage>;
  private ctl: Controller.WizardController | undefined;
  private readonly watcher: vscode.Disposable;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: Logger,
    private readonly secrets: Secrets,
  ) {
    this.host = new WebviewHost({
      extensionUri: context.extensionUri, script: 'wizard', title: vscode.l10n.t('Setup wizard'), log, topic: 'wizard',
      parse: parseWizardViewMessage,
      state: () => this.controller().state,
      onMessage: (m) => this.controller().onMessage(m),
    });
    settings.reportIgnoredSettingsTo((m) => log.warn('settings', m));
    // From activation on (not from the wizard's first use): a workspace that sets the endpoint,
    // profile or extra CAs is named in the log at once; the wizard's AWS line lists it too.
    this.watcher = settings.watchWorkspaceSettings(() => this.ctl?.onWorkspaceSettingsScanned());
  }

  /** The wizard's code, loaded on first use. */
  controller(): Controller.WizardController {
    if (!this.ctl) {
      // A plain require: the bundler keeps it as a runtime load of dist/chunks/wizard.js.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { WizardController } = require('./wizardController') as typeof Controller;
      this.ctl = new WizardController(this.context, this.log, this.secrets, this.host, { settings, selection });
    }
    return this.ctl;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.host.attach(viewSurface(view));
  }

  /** Shows the wizard in the sidebar. */
  reveal(): Thenable<unknown> {
    return vscode.commands.executeCommand(`${Views.wizard}.focus`);
  }

  runStep(step: StepId): Promise<WizardViewState> {
    return this.controller().runStep(step);
  }

  checkCommand(form?: unknown): Promise<WizardViewState> {
    return this.controller().checkCommand(form);
  }

  signIn(): Promise<WizardViewState> {
    return this.controller().signIn();
  }

  exportCode(format: ExportFormatId): Promise<{ language: string; text: string } | undefined> {
    return this.controller().exportCode(format);
  }

  teardown(): Promise<string | undefined> {
    return this.controller().teardown();
  }

  dispose(): void {
    this.watcher.dispose();
    this.ctl?.dispose();
    this.host.dispose();
  }
}
