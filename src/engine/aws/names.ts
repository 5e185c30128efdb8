/**
 * Names and ARNs as IAM, Cognito and the token spell them: provider URL, provider ARN, issuer,
 * Logins key; identity pool ids and labels; role names and ARNs. Used by the preflight rules
 * (../token/preflight), the setup steps, the fixes, the resources and the VS Code views.
 */
import { EngineError } from '../errors';


/** A URL scheme at the start of a text, e.g. 'https://'. */
export const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** Provider URL (with or without https://) -> 'host/path' as IAM stores it (trailing slash kept). */
export function providerName(url: string): string {
  return url.trim().replace(URL_SCHEME, '');
}

/** 'arn:aws:iam::123456789012:oidc-provider/tenant.auth0.com' -> 'tenant.auth0.com'. */
export function providerNameFromArn(arn: string): string | undefined {
  const i = arn.indexOf(':oidc-provider/');
  return i < 0 ? undefined : arn.slice(i + ':oidc-provider/'.length);
}

/** The Logins key for a provider URL: no scheme, no trailing slash. */
export function expectedLoginsKey(providerUrl: string): string {
  return providerName(providerUrl).replace(/\/+$/, '');
}

/** iss -> 'host/path' without scheme and without one trailing slash (what must equal the provider). */
export function issuerName(iss: string): string {
  return iss.trim().replace(URL_SCHEME, '').replace(/\/$/, '');
}

// ---------------------------------------------------------------------------------------------
// Identity pools

const POOL_ID = /^([a-z]{2}(?:-[a-z]+)+-\d+):[0-9a-f-]{36}$/;

/** 'us-east-1:GUID' -> 'us-east-1'; throws a clear error for anything else. */
export function regionOfPoolId(poolId: string): string {
  const m = POOL_ID.exec(poolId.trim());
  if (!m?.[1]) {
    throw new EngineError('INVALID_INPUT', `"${poolId}" is not an identity pool id.`,
      'An identity pool id looks like us-east-1:01234567-89ab-cdef-0123-456789abcdef (Cognito console: Identity pools > your pool > Identity pool ID).');
  }
  return m[1];
}

/** 'name (id)', or the id of a pool without a name. */
export function poolLabel(pool: { poolName: string; poolId: string }): string {
  return pool.poolName ? `${pool.poolName} (${pool.poolId})` : pool.poolId;
}

// ---------------------------------------------------------------------------------------------
// ARNs and roles

const ROLE_ARN = /^arn:aws[\w-]*:iam::\d{12}:role\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]{1,64})$/;

/** The role name of a role name or ARN ('arn:aws:iam::123456789012:role/path/Name' -> 'Name'). */
export function roleNameOf(nameOrArn: string): string {
  const m = ROLE_ARN.exec(nameOrArn.trim());
  return m?.[1] ?? nameOrArn.trim();
}

/** 'arn:aws:iam::123456789012:oidc-provider/x' -> '123456789012' ('' when the ARN has no account). */
export function accountOfArn(arn: string): string {
  return arn.split(':')[4] ?? '';
}

/** 'arn:aws-cn:iam::...' -> 'aws-cn' ('aws' when the text names none). */
export function partitionOfArn(arn: string): string {
  return arn.split(':')[1] || 'aws';
}
