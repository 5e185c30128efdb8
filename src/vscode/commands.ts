import * as vscode from 'vscode';
import { Commands, type CommandId } from '../shared/commands';
import { EXPORT_FORMATS, type ExportFormatId } from '../shared/protocol';
import { checkAwsConnection } from './awsConnection';
import type { Logger } from './logger';
import type * as ResourcesCommands from './resourcesCommands';
import { DETAILS_SCHEME, DetailsDocuments } from './resourcesDetails';
import * as settings from './settings';
import * as selection from './wizardSelection';
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
  const details = new DetailsDocuments();
  // The Resources view's command handlers (dist/chunks/resources-commands.js): loaded when one first runs.
  let resourceHandlers: Record<ResourcesCommands.ResourcesCommandId, Handler> | undefined;
  const resources = (): Record<ResourcesCommands.ResourcesCommandId, Handler> => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    resourceHandlers ??= (require('./resourcesCommands') as typeof ResourcesCommands).resourcesCommands(t.resources, t.context, log, { settings, selection }, details);
    return resourceHandlers;
  };
  const resourceIds = Object.values(Commands).filter((id): id is ResourcesCommands.ResourcesCommandId => id.startsWith('auth0Cognito.resources.'));
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
    [Commands.wizardStepRoleMappings]: () => wizard.runStep('roleMappings'),
    [Commands.wizardStepTryIt]: () => wizard.runStep('tryIt'),
    [Commands.exportSetup]: async (format?: unknown) => {
      const f = typeof format === 'string' && (EXPORT_FORMATS as readonly string[]).includes(format) ? (format as ExportFormatId) : await pickExportFormat();
      return f ? wizard.exportCode(f) : undefined;
    },
    [Commands.teardownSetup]: () => wizard.teardown(),

    ...(Object.fromEntries(resourceIds.map((id) => [id, (...args: unknown[]) => resources()[id](...args)])) as Record<ResourcesCommands.ResourcesCommandId, Handler>),
  };
  const registered: vscode.Disposable[] = Object.entries(handlers).map(([id, fn]) => vscode.commands.registerCommand(id, fn));
  // Commands that return the views' state, for the in-host tests: development builds only
  // (esbuild.mjs defines A0C_TEST_HOOKS; production builds drop this branch and src/vscode/testHooks.ts).
  if (process.env.A0C_TEST_HOOKS === '1') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const hooks = (require('./testHooks') as typeof import('./testHooks')).testHookCommands({ wizard, resources: t.resources });
    for (const [id, fn] of Object.entries(hooks)) registered.push(vscode.commands.registerCommand(id, fn));
  }
  return vscode.Disposable.from(details, vscode.workspace.registerTextDocumentContentProvider(DETAILS_SCHEME, details), ...registered);
}

/** The palette's "Export Setup as Code": which format. */
async function pickExportFormat(): Promise<ExportFormatId | undefined> {
  const items: (vscode.QuickPickItem & { format: ExportFormatId })[] = [
    { label: 'CloudFormation', description: 'YAML', detail: vscode.l10n.t('AWS::IAM::OIDCProvider, AWS::Cognito::IdentityPool, AWS::IAM::Role and the role attachment, with parameters and outputs'), format: 'cloudformation' },
    { label: 'Terraform', description: 'HCL', detail: vscode.l10n.t('The same resources, with import blocks for those that exist already'), format: 'terraform' },
    { label: 'AWS CLI', description: 'bash', detail: vscode.l10n.t('The exact calls of the plan as an idempotent script'), format: 'cli' },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Export the setup wizard\'s setup as…') });
  return pick?.format;
}
