/**
 * Names of an OIDC provider as IAM, Cognito and the token spell them: provider URL, provider
 * ARN, issuer, Logins key. Used by the preflight rules (./token/preflight), the setup steps,
 * the fixes and the Resources view. (Kept here, out of the preflight, so that the AWS topic can
 * take them over; ./preflight re-exports them for older imports.)
 */

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
