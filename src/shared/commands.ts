/** Every command id the extension contributes, in one place (package.json must match; a test checks it). */
export const Commands = {
  computeThumbprint: 'auth0Cognito.computeThumbprint',
  inspectToken: 'auth0Cognito.inspectToken',
  checkAwsConnection: 'auth0Cognito.checkAwsConnection',
  showLog: 'auth0Cognito.showLog',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];

/** Configuration keys under the `auth0Cognito` section. */
export const Settings = {
  section: 'auth0Cognito',
  extraCaCertificates: 'extraCaCertificates',
  awsEndpoint: 'aws.endpoint',
  awsRegion: 'aws.region',
  awsProfile: 'aws.profile',
  timeoutSeconds: 'network.timeoutSeconds',
  tokenCodeLens: 'tokenCodeLens.enabled',
} as const;
