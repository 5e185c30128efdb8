import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { Logger } from './logger';
import { ThumbprintFeature } from './thumbprint';
import { ResourcesView } from './resourcesView';
import { TokenInspector } from './tokenInspector';
import { registerTokenLens } from './tokenLens';
import { Secrets } from './secrets';
import { WizardView } from './wizard';
import { wizardDefaults } from './wizardSelection';

/**
 * Wires the parts together and nothing else: no SDK is loaded here (AWS and Auth0 live in
 * lazy chunks loaded by the commands that need them).
 */
export function activate(context: vscode.ExtensionContext): void {
  const log = new Logger();
  const thumbprints = new ThumbprintFeature(context.extensionUri, log, () => wizardDefaults(context));
  const secrets = new Secrets(context.secrets);
  const inspector = new TokenInspector(context, log, secrets);
  const wizard = new WizardView(context, log, secrets);
  const resources = new ResourcesView(context, log);
  context.subscriptions.push(
    log,
    thumbprints,
    inspector,
    wizard,
    vscode.window.registerWebviewViewProvider(WizardView.viewId, wizard),
    resources,
    registerTokenLens(),
    registerCommands({ context, log, thumbprints, inspector, wizard, resources }),
  );
  log.info('extension', `activated (VS Code ${vscode.version})`);
}

export function deactivate(): void {}
