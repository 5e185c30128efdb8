/** Configuration keys under the `auth0Cognito` section (package.json must match; a test checks it). */
export const Settings = {
  section: 'auth0Cognito',
  extraCaCertificates: 'extraCaCertificates',
  awsEndpoint: 'aws.endpoint',
  awsRegion: 'aws.region',
  awsProfile: 'aws.profile',
  timeoutSeconds: 'network.timeoutSeconds',
  tokenCodeLens: 'tokenCodeLens.enabled',
} as const;
