import * as vscode from 'vscode';
import { Commands } from '../shared/commands';
import { Logger } from './logger';
import { ThumbprintFeature } from './thumbprint';
import { checkAwsConnection } from './awsConnection';
import { ResourcesView } from './resourcesView';
import { TokenInspector } from './tokenInspector';
import { registerTokenLens } from './tokenLens';
import { Secrets } from './secrets';
import { WizardView } from './wizard';

/**
 * Wires the parts together and nothing else: no SDK is loaded here (AWS and Auth0 live in
 * lazy chunks loaded by the commands that need them).
 */
export function activate(context: vscode.ExtensionContext): void {
  const log = new Logger();
  const thumbprints = new ThumbprintFeature(context.extensionUri, log);
  const secrets = new Secrets(context.secrets);
  const inspector = new TokenInspector(context, log, secrets);
  const wizard = new WizardView(context, log, secrets);
  context.subscriptions.push(
    log,
    thumbprints,
    inspector,
    wizard,
    wizard.register(),
    new ResourcesView(context, log),
    registerTokenLens(),
    vscode.commands.registerCommand(Commands.computeThumbprint, (host?: unknown) => thumbprints.run(host)),
    vscode.commands.registerCommand(Commands.inspectToken, (token?: unknown, options?: unknown) => inspector.run(token, options)),
    vscode.commands.registerCommand(Commands.checkAwsConnection, () => checkAwsConnection(log)),
    vscode.commands.registerCommand(Commands.showLog, () => log.show()),
  );
  log.info('extension', `activated (VS Code ${vscode.version})`);
}

export function deactivate(): void {}
