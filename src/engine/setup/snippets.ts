/**
 * Step 7, "Use it in your app": code that gets AWS credentials from the identity pool with an
 * Auth0 ID token, filled with the real values. Pure.
 */
import { normalizeAuth0Domain } from '../auth0/connection';
import type { SetupConfig, SetupOutputs } from './types';

export interface Snippets {
  /** The values the snippets use. */
  values: { region: string; identityPoolId: string; loginsKey: string; auth0Domain: string; clientId: string; roleArn: string | undefined };
  typescript: string;
  swift: string;
  kotlin: string;
  /** Placeholders left because a value is not known yet (e.g. the pool was not created). */
  missing: string[];
}

const q = (s: string): string => JSON.stringify(s);

/** Code for TypeScript (AWS SDK for JavaScript v3), Swift (AWS SDK for Swift) and Kotlin (AWS SDK for Kotlin). */
export function snippets(config: SetupConfig, outputs: SetupOutputs): Snippets {
  const missing: string[] = [];
  const region = outputs.region ?? config.aws.region;
  let domain = config.auth0.domain;
  try {
    domain = normalizeAuth0Domain(domain);
  } catch {
    // shown as given
  }
  const identityPoolId = outputs.poolId ?? config.names.poolId ?? (missing.push('identity pool id'), `${region}:IDENTITY-POOL-ID`);
  const loginsKey = outputs.loginsKey ?? domain;
  const clientId = config.auth0.clientId;
  const values = { region, identityPoolId, loginsKey, auth0Domain: domain, clientId, roleArn: outputs.roleArn };

  const typescript = `// npm install @aws-sdk/credential-providers @aws-sdk/client-s3 @auth0/auth0-spa-js
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { S3Client, ListBucketsCommand } from '@aws-sdk/client-s3';
import { createAuth0Client } from '@auth0/auth0-spa-js';

const auth0 = await createAuth0Client({
  domain: ${q(domain)},
  clientId: ${q(clientId)},
  authorizationParams: { redirect_uri: window.location.origin },
});

// The Auth0 ID token (not the access token), e.g. after loginWithRedirect():
const idToken = (await auth0.getIdTokenClaims())?.__raw ?? '';

const credentials = fromCognitoIdentityPool({
  clientConfig: { region: ${q(region)} },
  identityPoolId: ${q(identityPoolId)},
  // The key is the IAM provider URL without https:// and without a trailing slash.
  logins: { ${q(loginsKey)}: idToken },
});

// Any AWS SDK client now signs with the credentials of the authenticated role${outputs.roleArn ? `\n// (${outputs.roleArn})` : ''}:
const s3 = new S3Client({ region: ${q(region)}, credentials });
`;

  const swift = `// Swift Package Manager: https://github.com/awslabs/aws-sdk-swift (product AWSCognitoIdentity)
import AWSCognitoIdentity

/// Exchanges the Auth0 ID token (credentials.idToken from Auth0.swift) for AWS credentials.
func awsCredentials(idToken: String) async throws -> CognitoIdentityClientTypes.Credentials? {
    let config = try await CognitoIdentityClient.CognitoIdentityClientConfiguration(region: ${q(region)})
    let cognito = CognitoIdentityClient(config: config)
    // The key is the IAM provider URL without https:// and without a trailing slash.
    let logins = [${q(loginsKey)}: idToken]
    let id = try await cognito.getId(input: GetIdInput(
        identityPoolId: ${q(identityPoolId)},
        logins: logins
    ))
    let result = try await cognito.getCredentialsForIdentity(input: GetCredentialsForIdentityInput(
        identityId: id.identityId,
        logins: logins
    ))
    // accessKeyId, secretKey, sessionToken, expiration of the authenticated role${outputs.roleArn ? ` (${outputs.roleArn})` : ''}
    return result.credentials
}
`;

  const kotlin = `// Gradle: implementation("aws.sdk.kotlin:cognitoidentity:<version>")
import aws.sdk.kotlin.services.cognitoidentity.CognitoIdentityClient
import aws.sdk.kotlin.services.cognitoidentity.model.Credentials
import aws.sdk.kotlin.services.cognitoidentity.model.GetCredentialsForIdentityRequest
import aws.sdk.kotlin.services.cognitoidentity.model.GetIdRequest

/** Exchanges the Auth0 ID token (credentials.idToken from Auth0.Android) for AWS credentials. */
suspend fun awsCredentials(idToken: String): Credentials? =
    CognitoIdentityClient { region = ${q(region)} }.use { cognito ->
        // The key is the IAM provider URL without https:// and without a trailing slash.
        val logins = mapOf(${q(loginsKey)} to idToken)
        val id = cognito.getId(GetIdRequest {
            identityPoolId = ${q(identityPoolId)}
            this.logins = logins
        })
        cognito.getCredentialsForIdentity(GetCredentialsForIdentityRequest {
            identityId = id.identityId
            this.logins = logins
        }).credentials // accessKeyId, secretKey, sessionToken, expiration${outputs.roleArn ? ` of ${outputs.roleArn}` : ''}
    }
`;
  return { values, typescript, swift, kotlin, missing };
}

/**
 * An Auth0 Action (Login / Post Login trigger) that adds the claims role-mapping rules test, for
 * when the ID token lacks them (issue 13). Each claim gets the user's Auth0 roles as the example
 * value (the usual case: a roles claim); the comment says where else a value can come from.
 * Claim names are outside input: written as JSON strings, never as code.
 */
export function auth0ClaimsActionCode(claims: readonly string[]): string {
  const names = [...new Set(claims)].slice(0, 25);
  const lines = names.map((c) => `  api.idToken.setCustomClaim(${JSON.stringify(c)}, event.authorization?.roles ?? []);`);
  return `/**
 * Auth0 Action: Dashboard > Actions > Library > Create Action > "Login / Post Login", paste this,
 * Deploy, then add it to the Login flow (Actions > Flows > Login).
 * It adds the claim${names.length === 1 ? '' : 's'} the identity pool's role-mapping rules test to the ID token.
 * The value here is the user's Auth0 roles (User Management > Roles); use another source if your
 * rules expect one, e.g. event.user.app_metadata.plan or event.organization?.name.
 */
exports.onExecutePostLogin = async (event, api) => {
${lines.join('\n') || '  // (no claim is missing)'}
};
`;
}
