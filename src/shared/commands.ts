/** The extension's views (package.json contributes.views must match). */
export const Views = {
  /** The setup wizard (a webview view in the sidebar). */
  wizard: 'auth0Cognito.wizard',
  /** The Resources tree. */
  resources: 'auth0Cognito.resources',
} as const;

/** Every command id the extension contributes, in one place (package.json must match; a test checks it). */
export const Commands = {
  computeThumbprint: 'auth0Cognito.computeThumbprint',
  inspectToken: 'auth0Cognito.inspectToken',
  checkAwsConnection: 'auth0Cognito.checkAwsConnection',
  showLog: 'auth0Cognito.showLog',
  // The setup wizard (src/vscode/wizard.ts): one command per step, plus check all and sign in.
  openWizard: 'auth0Cognito.openWizard',
  wizardCheckAll: 'auth0Cognito.wizard.checkAll',
  wizardSignIn: 'auth0Cognito.wizard.signIn',
  wizardStepConnections: 'auth0Cognito.wizard.step.connections',
  wizardStepAuth0App: 'auth0Cognito.wizard.step.auth0App',
  wizardStepOidcProvider: 'auth0Cognito.wizard.step.oidcProvider',
  wizardStepIdentityPool: 'auth0Cognito.wizard.step.identityPool',
  wizardStepAuthenticatedRole: 'auth0Cognito.wizard.step.authenticatedRole',
  wizardStepRoleMappings: 'auth0Cognito.wizard.step.roleMappings',
  wizardStepTryIt: 'auth0Cognito.wizard.step.tryIt',
  // Setup as code (issue 10): export the wizard's setup, remove it.
  exportSetup: 'auth0Cognito.exportSetup',
  teardownSetup: 'auth0Cognito.teardownSetup',
  // The resources tree (src/vscode/resourcesView.ts, resourcesCommands.ts).
  resourcesRefresh: 'auth0Cognito.resources.refresh',
  resourcesSwitchRegion: 'auth0Cognito.resources.switchRegion',
  resourcesSwitchProfile: 'auth0Cognito.resources.switchProfile',
  resourcesCopyArn: 'auth0Cognito.resources.copyArn',
  resourcesCopyId: 'auth0Cognito.resources.copyId',
  resourcesCopyValue: 'auth0Cognito.resources.copyValue',
  resourcesOpenInConsole: 'auth0Cognito.resources.openInConsole',
  resourcesShowDetails: 'auth0Cognito.resources.showDetails',
  resourcesAddClientId: 'auth0Cognito.resources.addClientId',
  resourcesCheckThumbprint: 'auth0Cognito.resources.checkThumbprint',
  resourcesUpdateThumbprint: 'auth0Cognito.resources.updateThumbprint',
  resourcesDelete: 'auth0Cognito.resources.delete',
  resourcesTeardown: 'auth0Cognito.resources.teardown',
  resourcesAudit: 'auth0Cognito.resources.audit',
  resourcesUseInWizard: 'auth0Cognito.resources.useInWizard',
  resourcesLoadMore: 'auth0Cognito.resources.loadMore',
  resourcesReveal: 'auth0Cognito.resources.reveal',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];
