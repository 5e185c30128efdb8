/**
 * Attributes for access control (issue 13): the claim -> principal tag map of an identity pool
 * provider (SetPrincipalTagAttributeMap), and the session tags GetCredentialsForIdentity will
 * put on the credentials for a token, with the limits STS puts on session tags. Sources in
 * docs/role-mappings.md.
 *
 * Pure: no SDK, no network, never throws (validatePrincipalTags throws EngineErrors by design).
 */
import { EngineError } from '../errors';
import type { FieldProblem } from './roleMapping';

/** What the setup config holds: the provider's default map, or a custom one (tag key -> claim name). */
export interface PrincipalTagsConfig {
  useDefaults: boolean;
  /** Tag key -> claim name, e.g. { tenant: "https://example.com/tenant" }. Only without useDefaults. */
  map?: Record<string, string> | undefined;
}

/**
 * The default map for an OpenID Connect provider: aud as the client and sub as the user
 * ("default (username and clientID) attribute mappings", SetPrincipalTagAttributeMap; "aud (as
 * client_id), sub (as user ID)", the developer guide's default provider mappings). The tag keys'
 * exact spelling is not in the API reference: see docs/role-mappings.md.
 */
export const DEFAULT_OIDC_PRINCIPAL_TAGS: Readonly<Record<string, string>> = Object.freeze({ client: 'aud', username: 'sub' });

/** Limits (SetPrincipalTagAttributeMap; STS Tag; IAM "Things to know about session tags"). */
export const PRINCIPAL_TAG_LIMITS = { tags: 50, key: 128, value: 256, claim: 256 } as const;

/** STS Tag Key/Value pattern [\p{L}\p{Z}\p{N}_.:/=+\-@]. */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const clip = (s: string, n = 60): string => (s.length > n ? `${s.slice(0, n)}…` : s);

/** Problems of a tag key as STS sees it ('' when fine). */
export function tagKeyProblem(key: string): string {
  if (key.length < 1 || key.length > PRINCIPAL_TAG_LIMITS.key) return `must be 1 to ${PRINCIPAL_TAG_LIMITS.key} characters`;
  if (!TAG_TEXT.test(key)) return 'may hold only letters, digits, spaces and _ . : / = + - @';
  if (/^aws:/i.test(key)) return 'must not start with "aws:" (reserved by AWS)';
  return '';
}

/** Every problem of a principal tags config (empty = valid). */
export function principalTagProblems(input: unknown, where = 'roles.principalTags'): FieldProblem[] {
  const out: FieldProblem[] = [];
  const p = (field: string, message: string, hint: string) => out.push({ field, message, hint });
  if (!isObj(input)) {
    p(where, `${where} must be an object.`, 'Use { "useDefaults": true } or { "useDefaults": false, "map": { "tenant": "https://example.com/tenant" } }.');
    return out;
  }
  for (const k of Object.keys(input)) if (!['useDefaults', 'map'].includes(k)) p(`${where}.${clip(k)}`, `${where} has an unknown field "${clip(k)}".`, 'It takes "useDefaults" and "map".');
  if (typeof input.useDefaults !== 'boolean') p(`${where}.useDefaults`, `${where}.useDefaults must be true or false.`, 'true: the provider\'s default tags (client <- aud, username <- sub); false: the tags of "map".');
  const map = input.map;
  if (map === undefined) {
    if (input.useDefaults === false) p(`${where}.map`, `${where}.map is missing.`, 'Map tag keys to claim names, e.g. { "tenant": "https://example.com/tenant" }, or set "useDefaults": true.');
    return out;
  }
  if (!isObj(map)) {
    p(`${where}.map`, `${where}.map must be an object of tag key -> claim name.`, 'e.g. { "tenant": "https://example.com/tenant" }.');
    return out;
  }
  if (input.useDefaults === true && Object.keys(map).length) p(`${where}.map`, `${where} sets both useDefaults and a map.`, 'Choose one: the default tags ("useDefaults": true) or your own ("useDefaults": false with "map").');
  const entries = Object.entries(map);
  if (entries.length > PRINCIPAL_TAG_LIMITS.tags) p(`${where}.map`, `${where}.map has ${entries.length} tags; at most ${PRINCIPAL_TAG_LIMITS.tags}.`, 'STS accepts at most 50 session tags.');
  const seen = new Map<string, string>();
  for (const [key, claim] of entries.slice(0, 200)) {
    const at = `${where}.map["${clip(key, 40)}"]`;
    const kp = tagKeyProblem(key);
    if (kp) p(at, `The tag key "${clip(key)}" ${kp}.`, 'Tag keys follow the IAM tag rules (1 to 128 characters, no "aws:" prefix).');
    const lower = key.toLowerCase();
    const dup = seen.get(lower);
    if (dup !== undefined) p(at, `The tag keys "${clip(dup)}" and "${clip(key)}" differ only in case.`, 'Tag keys are not case-sensitive in IAM: keep one.');
    seen.set(lower, key);
    if (typeof claim !== 'string' || claim.length < 1 || claim.length > PRINCIPAL_TAG_LIMITS.claim) p(at, `${at} must be a claim name of 1 to ${PRINCIPAL_TAG_LIMITS.claim} characters.`, 'The claim whose value becomes the tag, exactly as in the decoded token.');
  }
  return out;
}

/** The config, checked; throws an INVALID_INPUT EngineError naming the first bad field. */
export function validatePrincipalTags(input: unknown, where = 'roles.principalTags'): PrincipalTagsConfig {
  const first = principalTagProblems(input, where)[0];
  if (first) throw new EngineError('INVALID_INPUT', first.message, first.hint);
  const c = input as PrincipalTagsConfig;
  return c.useDefaults ? { useDefaults: true } : { useDefaults: false, map: { ...(c.map ?? {}) } };
}

/** The tag -> claim map Cognito applies (the defaults, or the custom map). */
export function effectiveTagMap(cfg: PrincipalTagsConfig | undefined): Record<string, string> {
  if (!cfg) return {};
  return cfg.useDefaults ? { ...DEFAULT_OIDC_PRINCIPAL_TAGS } : { ...(cfg.map ?? {}) };
}

/** Cognito will pass session tags, so every role it can give needs sts:TagSession in its trust policy. */
export function tagsMapped(cfg: PrincipalTagsConfig | undefined): boolean {
  return Object.keys(effectiveTagMap(cfg)).length > 0;
}

/** Same map, as Cognito would apply it. */
export function samePrincipalTags(a: PrincipalTagsConfig | undefined, b: PrincipalTagsConfig | undefined): boolean {
  const norm = (c: PrincipalTagsConfig | undefined) => (c ? JSON.stringify({ d: c.useDefaults, m: c.useDefaults ? {} : Object.fromEntries(Object.entries(c.map ?? {}).sort(([x], [y]) => x.localeCompare(y))) }) : 'none');
  return norm(a) === norm(b);
}

/** As SetPrincipalTagAttributeMap takes it. */
export function toAwsPrincipalTags(cfg: PrincipalTagsConfig): { UseDefaults: boolean; PrincipalTags: Record<string, string> } {
  return { UseDefaults: cfg.useDefaults, PrincipalTags: cfg.useDefaults ? {} : { ...(cfg.map ?? {}) } };
}

export interface SessionTag {
  key: string;
  value: string;
  claim: string;
}

export interface SessionTagPrediction {
  /** The tags the credentials will carry. */
  tags: SessionTag[];
  /** Mapped tags the token gives no value for (the claim is absent): not set. */
  missing: Array<{ key: string; claim: string }>;
  /** Values STS would refuse (list, too long, characters): the exchange is predicted to fail. */
  problems: Array<{ key: string; claim: string; message: string; hint: string }>;
  /** Where the prediction rests on behaviour the documentation does not spell out. */
  notes: string[];
}

/** The session tags GetCredentialsForIdentity will pass for `claims` under `cfg`. Never throws. */
export function predictSessionTags(claims: Readonly<Record<string, unknown>>, cfg: PrincipalTagsConfig | undefined): SessionTagPrediction {
  const out: SessionTagPrediction = { tags: [], missing: [], problems: [], notes: [] };
  try {
    const map = effectiveTagMap(cfg);
    if (cfg?.useDefaults) out.notes.push('Default tags for an OpenID Connect provider: client <- aud, username <- sub (the tag key names are our reading of the documentation).');
    const entries = Object.entries(map);
    if (entries.length > PRINCIPAL_TAG_LIMITS.tags) out.problems.push({ key: '', claim: '', message: `${entries.length} tags are mapped; STS accepts at most ${PRINCIPAL_TAG_LIMITS.tags} session tags.`, hint: 'Map fewer claims.' });
    for (const [key, claim] of entries.slice(0, 200)) {
      const v = Object.prototype.hasOwnProperty.call(claims, claim) ? claims[claim] : undefined;
      if (v === undefined || v === null) {
        out.missing.push({ key, claim });
        continue;
      }
      let value: string;
      if (typeof v === 'string') value = v;
      else if (typeof v === 'number' || typeof v === 'boolean') {
        value = String(v);
        out.notes.push(`The claim ${claim} is a ${typeof v}; predicted as the tag value "${value}" (the documentation does not say).`);
      } else {
        out.problems.push({ key, claim, message: `The claim ${claim} is ${Array.isArray(v) ? 'a list' : 'an object'}; session tags take one text value each (multivalued session tags are not supported).`, hint: `Map a claim that holds one text value (an Auth0 Action can add one: api.idToken.setCustomClaim("${clip(claim, 40)}", value)).` });
        continue;
      }
      const kp = tagKeyProblem(key);
      if (kp) out.problems.push({ key, claim, message: `The tag key "${clip(key)}" ${kp}.`, hint: 'Rename the tag in the map.' });
      if (value.length > PRINCIPAL_TAG_LIMITS.value) out.problems.push({ key, claim, message: `The value of ${claim} is ${value.length} characters; a session tag value is at most ${PRINCIPAL_TAG_LIMITS.value}.`, hint: 'Map a shorter claim.' });
      else {
        // STS's Tag pattern excludes e.g. "|", yet the developer guide's own example of a
        // principal tag value is "auth0|5e28d196f8f55a0eaaa95de3": said, not predicted as a failure.
        if (!TAG_TEXT.test(value)) out.notes.push(`The value of ${claim} has characters outside STS's documented tag pattern (letters, digits, spaces and _ . : / = + - @); the Cognito guide shows such values (e.g. "auth0|...") as principal tags, so they are predicted to pass.`);
        out.tags.push({ key, value, claim });
      }
    }
  } catch (e) {
    out.notes.push(`Could not predict the session tags (${e instanceof Error ? e.message : 'unexpected input'}).`);
  }
  return out;
}
