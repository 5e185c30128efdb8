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
  const resources = new ResourcesView(context, log);
  context.subscriptions.push(
    log,
    thumbprints,
    inspector,
    wizard,
    wizard.register(),
    resources,
    registerTokenLens(),
    vscode.commands.registerCommand(Commands.computeThumbprint, (host?: unknown) => thumbprints.run(host)),
    vscode.commands.registerCommand(Commands.inspectToken, (token?: unknown, options?: unknown) => inspector.run(token, options)),
    vscode.commands.registerCommand(Commands.checkAwsConnection, () => checkAwsConnection(log)),
    vscode.commands.registerCommand(Commands.showLog, () => log.show()),
  );
  // Commands that return the views' state, for the in-host tests: development builds only
  // (esbuild.mjs defines A0C_TEST_HOOKS; production builds drop this branch and src/vscode/testHooks.ts).
  if (process.env.A0C_TEST_HOOKS === '1') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { registerTestHooks } = require('./testHooks') as typeof import('./testHooks');
    context.subscriptions.push(registerTestHooks({ wizard, resources }));
  }
  log.info('extension', `activated (VS Code ${vscode.version})`);
}

export function deactivate(): void {}
