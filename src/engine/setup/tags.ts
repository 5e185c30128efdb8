/**
 * The tag that marks what a setup created (issue 10): the IAM OIDC provider, the identity pool
 * and the role get `auth0-cognito-bridge:setup` = the setup's name when the wizard (or
 * `setup --apply`) creates them. Teardown, the exports and the Resources tree use it to tell
 * "ours" from everything else; adopted resources are never re-tagged.
 *
 * The setup's name is the identity pool's name (SetupConfig.names.poolName), made to fit IAM's
 * tag rules (values of letters, digits, spaces and _ . : / = + - @, at most 256 characters; a pool
 * name may also hold a comma, which becomes "_").
 */
import type { SetupConfig } from './types';

export const SETUP_TAG_KEY = 'auth0-cognito-bridge:setup';

/** IAM's and Cognito's longest tag value. */
export const MAX_TAG_VALUE = 256;

/** The setup's name as a tag value. */
export function setupName(config: Pick<SetupConfig, 'names'>): string {
  return tagValue(config.names.poolName);
}

/** A string made into a valid IAM / Cognito tag value (disallowed characters become "_"). */
export function tagValue(s: string): string {
  return s.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '_').slice(0, MAX_TAG_VALUE);
}

/** The tags a setup puts on what it creates, as a key -> value map (Cognito's IdentityPoolTags). */
export function setupTags(config: Pick<SetupConfig, 'names'>): Record<string, string> {
  return { [SETUP_TAG_KEY]: setupName(config) };
}

/** The same tags as IAM takes them (CreateRole / CreateOpenIDConnectProvider `Tags`). */
export function iamTags(tags: Record<string, string>): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** The setup a resource's tags name, or undefined when it is not tagged by the extension. */
export function taggedSetup(tags: Record<string, string> | undefined): string | undefined {
  const v = tags?.[SETUP_TAG_KEY];
  return typeof v === 'string' ? v : undefined;
}

/** Whether a resource carries the tag of this setup. */
export function isTaggedFor(tags: Record<string, string> | undefined, config: Pick<SetupConfig, 'names'>): boolean {
  return taggedSetup(tags) === setupName(config);
}

/** "key = value" for plans. */
export function tagText(tags: Record<string, string>): string {
  return Object.entries(tags).map(([k, v]) => `${k} = ${v}`).join(', ');
}
