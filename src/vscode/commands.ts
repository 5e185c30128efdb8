import * as vscode from 'vscode';
import { Commands, type CommandId } from '../shared/commands';
import { checkAwsConnection } from './awsConnection';
import type { Logger } from './logger';
import { resourcesCommands } from './resourcesCommands';
import type { ResourcesView } from './resourcesView';
import type { ThumbprintFeature } from './thumbprint';
import type { TokenInspector } from './tokenInspector';
import type { WizardView } from './wizard';

/** What the commands act on (made by src/vscode/extension.ts). */
export interface CommandTargets {
  context: vscode.ExtensionContext;
  log: Logger;
  thumbprints: ThumbprintFeature;
  inspector: TokenInspector;
  wizard: WizardView;
  resources: ResourcesView;
}

type Handler = (...args: unknown[]) => unknown;

/**
 * Registers every command of the extension, here and nowhere else. The ids live in
 * src/shared/commands.ts; the map below has one handler for each (the compiler checks that none
 * is missing), and package.json contributes the same ids (test/unit/package/manifest.test.ts).
 */
export function registerCommands(t: CommandTargets): vscode.Disposable {
  const { log, thumbprints, inspector, wizard } = t;
  const resources = resourcesCommands(t.resources, t.context, log);
  const handlers: Record<CommandId, Handler> = {
    [Commands.computeThumbprint]: (host?: unknown) => thumbprints.run(host),
    [Commands.inspectToken]: (token?: unknown, options?: unknown) => inspector.run(token, options),
    [Commands.checkAwsConnection]: () => checkAwsConnection(log),
    [Commands.showLog]: () => log.show(),

    [Commands.openWizard]: () => wizard.reveal(),
    [Commands.wizardCheckAll]: (form?: unknown) => wizard.checkCommand(form),
    [Commands.wizardSignIn]: async () => {
      await wizard.reveal();
      return wizard.signIn();
    },
    [Commands.wizardStepConnections]: () => wizard.runStep('connections'),
    [Commands.wizardStepAuth0App]: () => wizard.runStep('auth0App'),
    [Commands.wizardStepOidcProvider]: () => wizard.runStep('oidcProvider'),
    [Commands.wizardStepIdentityPool]: () => wizard.runStep('identityPool'),
    [Commands.wizardStepAuthenticatedRole]: () => wizard.runStep('authenticatedRole'),
    [Commands.wizardStepTryIt]: () => wizard.runStep('tryIt'),

    ...resources.handlers,
  };
  const registered: vscode.Disposable[] = Object.entries(handlers).map(([id, fn]) => vscode.commands.registerCommand(id, fn));
  // Commands that return the views' state, for the in-host tests: development builds only
  // (esbuild.mjs defines A0C_TEST_HOOKS; production builds drop this branch and src/vscode/testHooks.ts).
  if (process.env.A0C_TEST_HOOKS === '1') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const hooks = (require('./testHooks') as typeof import('./testHooks')).testHookCommands({ wizard, resources: t.resources });
    for (const [id, fn] of Object.entries(hooks)) registered.push(vscode.commands.registerCommand(id, fn));
  }
  return vscode.Disposable.from(...resources.disposables, ...registered);
}
