/**
 * Role mappings of a Cognito identity pool (issue 13): which IAM role GetCredentialsForIdentity
 * chooses for a token, predicted locally, and the checks of a mapping before SetIdentityPoolRoles.
 *
 * The rules Cognito applies, each with its source, are in docs/role-mappings.md:
 *  - Rules: evaluated in order, the first rule that matches gives the role; up to 25 rules per
 *    provider; a rule whose claim is absent does not match (NotEqual included); no match ->
 *    AmbiguousRoleResolution: the pool's authenticated role, or Deny
 *    ("The ambiguous role mapping rules for: PROVIDER denied this request.", NotAuthorizedException).
 *  - Token: GetCredentialsForIdentity's CustomRoleArn when given (it must be one of cognito:roles,
 *    else denied); else cognito:preferred_role; else, with cognito:roles, AmbiguousRoleResolution.
 *
 * What the documentation does not say is predicted conservatively and said in `notes`: how a
 * rule compares a claim that is a number, a boolean or a list, and which role a Token mapping
 * gives when cognito:roles holds exactly one role or neither claim is present.
 *
 * Pure: no SDK, no network, never throws (validateRoleMapping throws EngineErrors by design).
 */
import { EngineError } from '../errors';

export const MATCH_TYPES = ['Equals', 'Contains', 'StartsWith', 'NotEqual'] as const;
export type MatchType = (typeof MATCH_TYPES)[number];
export const AMBIGUOUS_ROLE_RESOLUTIONS = ['AuthenticatedRole', 'Deny'] as const;
export type AmbiguousRoleResolution = (typeof AMBIGUOUS_ROLE_RESOLUTIONS)[number];

export interface MappingRule {
  /** The token claim, e.g. "https://example.com/roles" or "tenant" (1..64 characters). */
  claim: string;
  matchType: MatchType;
  /** 1..128 characters. */
  value: string;
  roleArn: string;
}

export type RoleMappingConfig =
  | { type: 'Rules'; rules: MappingRule[]; ambiguousRoleResolution: AmbiguousRoleResolution }
  | { type: 'Token'; ambiguousRoleResolution: AmbiguousRoleResolution };

/** The API's RoleMapping shape (SetIdentityPoolRoles / GetIdentityPoolRoles), structurally. */
export interface AwsRoleMapping {
  Type: string | undefined;
  AmbiguousRoleResolution?: string | undefined;
  RulesConfiguration?: { Rules: Array<{ Claim: string | undefined; MatchType: string | undefined; Value: string | undefined; RoleARN: string | undefined }> | undefined } | undefined;
}

/** API limits (MappingRule, RulesConfigurationType). */
export const ROLE_MAPPING_LIMITS = { rules: 25, claim: 64, value: 128, roleArnMin: 20, roleArnMax: 2048 } as const;

/** MappingRule.Claim's pattern [\p{L}\p{M}\p{S}\p{N}\p{P}]+ (no spaces or control characters). */
const CLAIM_PATTERN = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u;
/** An IAM role ARN (any partition, optional path). */
export const ROLE_ARN_PATTERN = /^arn:aws[\w-]*:iam::\d{12}:role\/(?:[\x21-\x7e]*\/)?[\w+=,.@-]{1,64}$/;

// ---------------------------------------------------------------------------------------------
// Validation

export interface FieldProblem {
  /** Where, e.g. "roles.mapping.rules[2].value". */
  field: string;
  message: string;
  hint: string;
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const clip = (s: string, n = 60): string => (s.length > n ? `${s.slice(0, n)}…` : s);

/** Every problem of a role mapping config (empty = valid), each naming its field. */
export function roleMappingProblems(input: unknown, where = 'roles.mapping'): FieldProblem[] {
  const out: FieldProblem[] = [];
  const p = (field: string, message: string, hint: string) => out.push({ field, message, hint });
  if (!isObj(input)) {
    p(where, `${where} must be an object.`, 'Use { "type": "Rules", "rules": [...], "ambiguousRoleResolution": "AuthenticatedRole" } or { "type": "Token", "ambiguousRoleResolution": "Deny" }.');
    return out;
  }
  const allowed = input.type === 'Rules' ? ['type', 'rules', 'ambiguousRoleResolution'] : ['type', 'ambiguousRoleResolution'];
  for (const k of Object.keys(input)) if (!allowed.includes(k)) p(`${where}.${clip(k)}`, `${where} has an unknown field "${clip(k)}".`, `A ${String(input.type)} mapping takes ${allowed.map((a) => `"${a}"`).join(', ')}.`);
  if (input.type !== 'Rules' && input.type !== 'Token') {
    p(`${where}.type`, `${where}.type must be "Rules" or "Token".`, 'Rules: match token claims to roles. Token: the roles named in the token (cognito:preferred_role, cognito:roles).');
  }
  if (!AMBIGUOUS_ROLE_RESOLUTIONS.includes(input.ambiguousRoleResolution as AmbiguousRoleResolution)) {
    p(`${where}.ambiguousRoleResolution`, `${where}.ambiguousRoleResolution must be "AuthenticatedRole" or "Deny".`, 'It says what happens when no rule matches (or the token names no single role): the pool\'s authenticated role, or no credentials.');
  }
  if (input.type !== 'Rules') return out;
  const rules = input.rules;
  if (!Array.isArray(rules) || rules.length === 0) {
    p(`${where}.rules`, `${where}.rules must be a list of 1 to ${ROLE_MAPPING_LIMITS.rules} rules.`, 'Add a rule: { "claim": "tenant", "matchType": "Equals", "value": "acme", "roleArn": "arn:aws:iam::123456789012:role/AcmeUsers" }.');
    return out;
  }
  if (rules.length > ROLE_MAPPING_LIMITS.rules) {
    p(`${where}.rules`, `${where} has ${rules.length} rules; Cognito allows at most ${ROLE_MAPPING_LIMITS.rules} per identity provider.`, 'Merge rules (Contains / StartsWith match several values) or ask AWS for a service limit increase.');
  }
  rules.slice(0, 100).forEach((r, i) => {
    const at = `${where}.rules[${i}]`;
    if (!isObj(r)) {
      p(at, `${at} must be an object.`, 'A rule is { "claim", "matchType", "value", "roleArn" }.');
      return;
    }
    for (const k of Object.keys(r)) if (!['claim', 'matchType', 'value', 'roleArn'].includes(k)) p(`${at}.${clip(k)}`, `${at} has an unknown field "${clip(k)}".`, 'A rule is { "claim", "matchType", "value", "roleArn" }.');
    const { claim, matchType, value, roleArn } = r;
    if (typeof claim !== 'string' || claim.length < 1 || claim.length > ROLE_MAPPING_LIMITS.claim || !CLAIM_PATTERN.test(claim)) {
      p(`${at}.claim`, `${at}.claim must be a claim name of 1 to ${ROLE_MAPPING_LIMITS.claim} characters without spaces.`, 'Use the claim\'s name exactly as in the decoded token, e.g. "https://example.com/roles".');
    }
    if (!MATCH_TYPES.includes(matchType as MatchType)) {
      p(`${at}.matchType`, `${at}.matchType must be one of ${MATCH_TYPES.join(', ')}.`, 'Match types are case-sensitive.');
    }
    if (typeof value !== 'string' || value.length < 1 || value.length > ROLE_MAPPING_LIMITS.value) {
      p(`${at}.value`, `${at}.value must be a text of 1 to ${ROLE_MAPPING_LIMITS.value} characters.`, 'The value the claim is compared with, e.g. "admin".');
    }
    if (typeof roleArn !== 'string' || roleArn.length < ROLE_MAPPING_LIMITS.roleArnMin || roleArn.length > ROLE_MAPPING_LIMITS.roleArnMax || !ROLE_ARN_PATTERN.test(roleArn)) {
      p(`${at}.roleArn`, `${at}.roleArn "${typeof roleArn === 'string' ? clip(roleArn) : String(roleArn)}" is not an IAM role ARN.`, 'Use the role\'s full ARN: arn:aws:iam::123456789012:role/NAME (a role name alone is refused by Cognito: "Access to Role ... is forbidden").');
    }
  });
  return out;
}

/** The mapping, checked and normalised; throws an INVALID_INPUT EngineError naming the first bad field. */
export function validateRoleMapping(input: unknown, where = 'roles.mapping'): RoleMappingConfig {
  const problems = roleMappingProblems(input, where);
  const first = problems[0];
  if (first) throw new EngineError('INVALID_INPUT', first.message, first.hint);
  const m = input as RoleMappingConfig;
  return m.type === 'Rules'
    ? { type: 'Rules', rules: m.rules.map((r) => ({ claim: r.claim, matchType: r.matchType, value: r.value, roleArn: r.roleArn })), ambiguousRoleResolution: m.ambiguousRoleResolution }
    : { type: 'Token', ambiguousRoleResolution: m.ambiguousRoleResolution };
}

// ---------------------------------------------------------------------------------------------
// The API's shape

/** As SetIdentityPoolRoles takes it. */
export function toAwsRoleMapping(m: RoleMappingConfig): AwsRoleMapping {
  return m.type === 'Rules'
    ? { Type: 'Rules', AmbiguousRoleResolution: m.ambiguousRoleResolution, RulesConfiguration: { Rules: m.rules.map((r) => ({ Claim: r.claim, MatchType: r.matchType, Value: r.value, RoleARN: r.roleArn })) } }
    : { Type: 'Token', AmbiguousRoleResolution: m.ambiguousRoleResolution };
}

/** What GetIdentityPoolRoles returned for one provider, or undefined when it is not a shape this module knows. */
export function fromAwsRoleMapping(raw: unknown): RoleMappingConfig | undefined {
  if (!isObj(raw)) return undefined;
  const amb = raw.AmbiguousRoleResolution === 'Deny' ? 'Deny' : raw.AmbiguousRoleResolution === 'AuthenticatedRole' ? 'AuthenticatedRole' : undefined;
  if (!amb) return undefined;
  if (raw.Type === 'Token') return { type: 'Token', ambiguousRoleResolution: amb };
  if (raw.Type !== 'Rules') return undefined;
  const rc = raw.RulesConfiguration;
  const rules = isObj(rc) && Array.isArray(rc.Rules) ? rc.Rules : [];
  const out: MappingRule[] = [];
  for (const r of rules.slice(0, 100)) {
    if (!isObj(r) || typeof r.Claim !== 'string' || typeof r.Value !== 'string' || typeof r.RoleARN !== 'string' || !MATCH_TYPES.includes(r.MatchType as MatchType)) return undefined;
    out.push({ claim: r.Claim, matchType: r.MatchType as MatchType, value: r.Value, roleArn: r.RoleARN });
  }
  return out.length ? { type: 'Rules', rules: out, ambiguousRoleResolution: amb } : undefined;
}

/** Same mapping (same type, resolution and rules in the same order). */
export function sameRoleMapping(a: RoleMappingConfig | undefined, b: RoleMappingConfig | undefined): boolean {
  return JSON.stringify(a ? toAwsRoleMapping(a) : null) === JSON.stringify(b ? toAwsRoleMapping(b) : null);
}

/**
 * The roles a mapping can choose besides the token's own (the rules' roles, in rule order, each
 * once) and whether the authenticated role can be chosen too (no mapping, or the fallback).
 */
export function rolesOfMapping(m: RoleMappingConfig | undefined): { roleArns: string[]; authenticatedRole: boolean; fromToken: boolean } {
  if (!m) return { roleArns: [], authenticatedRole: true, fromToken: false };
  const fallback = m.ambiguousRoleResolution === 'AuthenticatedRole';
  if (m.type === 'Token') return { roleArns: [], authenticatedRole: fallback, fromToken: true };
  return { roleArns: [...new Set(m.rules.map((r) => r.roleArn))], authenticatedRole: fallback, fromToken: false };
}

/** One line per mapping, for plans and the tree: 'Rules: tenant Equals "acme" -> AcmeRole; ...; else the authenticated role'. */
export function describeRoleMapping(m: RoleMappingConfig): string {
  const otherwise = m.ambiguousRoleResolution === 'Deny' ? 'else deny' : 'else the authenticated role';
  if (m.type === 'Token') return `Token: the role the token names (cognito:preferred_role, cognito:roles); ${otherwise}`;
  return `Rules: ${m.rules.map((r, i) => `${i + 1}. ${r.claim} ${r.matchType} ${JSON.stringify(r.value)} -> ${r.roleArn}`).join('; ')}; ${otherwise}`;
}

// ---------------------------------------------------------------------------------------------
// Prediction

/** NotAuthorizedException's text when AmbiguousRoleResolution is Deny (seen from AWS, see docs/role-mappings.md). */
export function ambiguousDenyError(providerName: string): string {
  return `The ambiguous role mapping rules for: ${providerName} denied this request.`;
}
export const NO_ROLE_ERROR = 'Invalid identity pool configuration. Check assigned IAM roles for this pool.';

export interface RuleEvaluation {
  /** 0-based. */
  index: number;
  matched: boolean;
  /** Why, one sentence. */
  reason: string;
}

export interface RolePrediction {
  /** The role Cognito will assume; undefined when denied or when there is no role. */
  roleArn: string | undefined;
  /** Cognito refuses (Deny, a CustomRoleArn not in the token, no role at all). */
  denied: boolean;
  via: 'no-mapping' | 'rule' | 'fallback' | 'token-custom' | 'token-preferred' | 'token-single';
  /** One or two sentences: which rule matched, or why none did and what the fallback is. */
  why: string;
  /** The rule that matched (0-based), Rules mappings only. */
  matchedRule?: number | undefined;
  /** Each rule as evaluated, in order, up to the first match (Rules mappings only). */
  rules: RuleEvaluation[];
  /** The error GetCredentialsForIdentity returns when denied (or when there is no role). */
  error?: string | undefined;
  errorName?: 'NotAuthorizedException' | 'InvalidIdentityPoolConfigurationException' | undefined;
  /** true: the text seen from AWS; false: our wording. */
  errorVerbatim?: boolean | undefined;
  /** Where the prediction rests on behaviour the documentation does not spell out. */
  notes: string[];
}

export interface PredictOptions {
  /** The mapping's key (the provider name, e.g. tenant.auth0.com), for the Deny message. */
  providerName?: string | undefined;
  /** GetCredentialsForIdentity's CustomRoleArn, when the app passes one. */
  customRoleArn?: string | undefined;
}

const show = (v: unknown): string => {
  const s = typeof v === 'string' ? JSON.stringify(v) : (() => {
    try {
      return JSON.stringify(v) ?? String(v);
    } catch {
      return String(v);
    }
  })();
  return clip(s, 80);
};

function compare(op: MatchType, actual: string, value: string): boolean {
  switch (op) {
    case 'Equals':
      return actual === value;
    case 'NotEqual':
      return actual !== value;
    case 'Contains':
      return actual.includes(value);
    case 'StartsWith':
      return actual.startsWith(value);
    default:
      return false;
  }
}

/** One rule against the claims. */
export function evaluateRule(rule: MappingRule, claims: Readonly<Record<string, unknown>>, index = 0): RuleEvaluation & { note?: string } {
  const has = Object.prototype.hasOwnProperty.call(claims, rule.claim);
  const v = has ? claims[rule.claim] : undefined;
  const what = `${rule.claim} ${rule.matchType} ${JSON.stringify(rule.value)}`;
  if (v === undefined || v === null) return { index, matched: false, reason: `${what}: the token has no ${rule.claim} claim, so the rule does not match${rule.matchType === 'NotEqual' ? ' (NotEqual does not match a missing claim either)' : ''}.` };
  if (typeof v === 'string') {
    const m = compare(rule.matchType, v, rule.value);
    return { index, matched: m, reason: `${what}: ${rule.claim} is ${show(v)}, ${m ? 'a match' : 'no match'}.` };
  }
  if (typeof v === 'number' || typeof v === 'boolean') {
    const text = String(v);
    const m = compare(rule.matchType, text, rule.value);
    return { index, matched: m, reason: `${what}: ${rule.claim} is the ${typeof v} ${text}, compared as the text "${text}": ${m ? 'a match' : 'no match'}.`, note: `The rule on ${rule.claim} compares a ${typeof v} claim; the documentation does not say how, so it is predicted as its text "${text}".` };
  }
  if (Array.isArray(v)) {
    const items = v.filter((x): x is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof x)).map(String);
    const hits = items.filter((x) => compare(rule.matchType === 'NotEqual' ? 'Equals' : rule.matchType, x, rule.value));
    const m = rule.matchType === 'NotEqual' ? hits.length === 0 : hits.length > 0;
    return {
      index,
      matched: m,
      reason: `${what}: ${rule.claim} is a list of ${v.length} value${v.length === 1 ? '' : 's'} (${show(v)}); ${rule.matchType === 'NotEqual' ? (m ? 'none equals the value' : 'one equals the value') : m ? `${show(hits[0])} matches` : 'no item matches'}.`,
      note: `The rule on ${rule.claim} compares a list claim; the documentation does not say how, so it is predicted item by item (NotEqual: no item equals the value). Prefer a claim holding one text value.`,
    };
  }
  return { index, matched: false, reason: `${what}: ${rule.claim} is an object, which no rule can match.`, note: `The claim ${rule.claim} is an object; the documentation does not say how a rule compares it (predicted: no match).` };
}

/** cognito:roles as a list of role ARNs (a JSON list, or one comma-separated text as the docs describe). */
function tokenRoles(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string').map((x) => x.trim()).filter(Boolean);
  if (typeof v === 'string') return v.split(',').map((x) => x.trim()).filter(Boolean);
  return [];
}

/**
 * Which role GetCredentialsForIdentity will choose for a token's claims, given the provider's
 * role mapping (undefined: none) and the pool's authenticated role. Never throws.
 */
export function predictRole(claims: Readonly<Record<string, unknown>>, mapping: RoleMappingConfig | undefined, authenticatedRoleArn: string | undefined, opts: PredictOptions = {}): RolePrediction {
  const provider = opts.providerName || '<provider>';
  const notes: string[] = [];
  const rules: RuleEvaluation[] = [];
  const noRole = (why: string, via: RolePrediction['via']): RolePrediction => ({
    roleArn: undefined, denied: true, via, why: `${why} The pool has no authenticated role, so Cognito has no role to give.`, rules, notes,
    error: NO_ROLE_ERROR, errorName: 'InvalidIdentityPoolConfigurationException', errorVerbatim: true,
  });
  const fallback = (why: string, m: RoleMappingConfig): RolePrediction => {
    if (m.ambiguousRoleResolution === 'Deny') {
      return { roleArn: undefined, denied: true, via: 'fallback', why: `${why} AmbiguousRoleResolution is Deny: Cognito refuses the credentials.`, rules, notes, error: ambiguousDenyError(provider), errorName: 'NotAuthorizedException', errorVerbatim: true };
    }
    if (!authenticatedRoleArn) return noRole(`${why} AmbiguousRoleResolution is AuthenticatedRole.`, 'fallback');
    return { roleArn: authenticatedRoleArn, denied: false, via: 'fallback', why: `${why} AmbiguousRoleResolution is AuthenticatedRole: the pool's authenticated role ${authenticatedRoleArn}.`, rules, notes };
  };
  try {
    if (!mapping) {
      if (!authenticatedRoleArn) return noRole(`No role mapping for ${provider}.`, 'no-mapping');
      return { roleArn: authenticatedRoleArn, denied: false, via: 'no-mapping', why: `No role mapping for ${provider}: the pool's authenticated role ${authenticatedRoleArn}.`, rules, notes };
    }
    if (mapping.type === 'Rules') {
      for (const [i, rule] of mapping.rules.entries()) {
        const e = evaluateRule(rule, claims, i);
        rules.push({ index: e.index, matched: e.matched, reason: e.reason });
        if (e.note) notes.push(e.note);
        if (e.matched) {
          return { roleArn: rule.roleArn, denied: false, via: 'rule', matchedRule: i, why: `Rule ${i + 1} matches (${e.reason.replace(/\.$/, '')}); rules are evaluated in order and the first match wins: ${rule.roleArn}.`, rules, notes };
        }
      }
      return fallback(`None of the ${mapping.rules.length} rule${mapping.rules.length === 1 ? '' : 's'} matches.`, mapping);
    }
    // Token
    const roles = tokenRoles(claims['cognito:roles']);
    const preferred = typeof claims['cognito:preferred_role'] === 'string' ? claims['cognito:preferred_role'].trim() : '';
    if (opts.customRoleArn) {
      if (roles.includes(opts.customRoleArn)) return { roleArn: opts.customRoleArn, denied: false, via: 'token-custom', why: `CustomRoleArn ${opts.customRoleArn} is one of the token's cognito:roles.`, rules, notes };
      return { roleArn: undefined, denied: true, via: 'token-custom', why: `CustomRoleArn ${opts.customRoleArn} is not one of the token's cognito:roles (${roles.length ? roles.join(', ') : 'none'}): Cognito denies access.`, rules, notes, error: ambiguousDenyError(provider), errorName: 'NotAuthorizedException', errorVerbatim: false };
    }
    if (preferred) return { roleArn: preferred, denied: false, via: 'token-preferred', why: `The token's cognito:preferred_role is ${preferred}.`, rules, notes };
    if (roles.length === 1) {
      notes.push('The token has one role in cognito:roles and no cognito:preferred_role; the documentation calls only several roles ambiguous, so that one role is predicted.');
      return { roleArn: roles[0], denied: false, via: 'token-single', why: `The token names one role in cognito:roles and no cognito:preferred_role: ${roles[0] ?? ''}.`, rules, notes };
    }
    if (roles.length > 1) return fallback(`The token names ${roles.length} roles in cognito:roles and no cognito:preferred_role (ambiguous).`, mapping);
    notes.push('The token has neither cognito:preferred_role nor cognito:roles; the documentation does not name this case, so the AmbiguousRoleResolution is predicted.');
    return fallback('The token has neither cognito:preferred_role nor cognito:roles.', mapping);
  } catch (e) {
    return { roleArn: undefined, denied: false, via: 'no-mapping', why: `Could not predict the role (${e instanceof Error ? e.message : 'unexpected input'}).`, rules, notes };
  }
}
