/**
 * Trust policies judged the way IAM judges them, for the roles of a Cognito identity pool. One
 * module for the preflight (role.trust.* rules), the setup wizard (adopting a role), the fixes
 * and the resources tree.
 *
 * IAM allows sts:AssumeRoleWithWebIdentity when ANY Allow statement matches the request and no
 * Deny statement does. So a role is "pinned to this pool" only when EVERY Allow statement that
 * lets cognito-identity.amazonaws.com (or any principal) call the action pins
 * `cognito-identity.amazonaws.com:aud` to exactly this pool id with StringEquals and, for the
 * authenticated role, `cognito-identity.amazonaws.com:amr` to "authenticated" with
 * ForAnyValue:StringLike (the form of the AWS docs, role-trust-and-permissions.md). One loose
 * statement is enough to let other pools (or guests) in, whatever the others say.
 *
 * How IAM reads the parts (IAM user guide, reference_policies_elements_*, condition operators):
 *  - Action/NotAction values are case-insensitive and may hold the wildcards * and ?.
 *  - Condition keys are case-insensitive; operator names are matched case-insensitively here.
 *  - A key absent from the request: positive operators are false, negated ones (StringNot*) true,
 *    ...IfExists true; ForAllValues is true for an empty set, ForAnyValue false.
 *  - Principal "*" (or {"AWS": "*"}) is anyone, cognito-identity.amazonaws.com included;
 *    NotPrincipal with Allow is everyone it does not name.
 *
 * Deny statements: an unconditional Deny of the action to Cognito makes the role unusable, and a
 * Deny whose aud/amr conditions hold for this pool's signed-in identities does too; both are
 * findings. A Deny is NOT used to excuse a loose Allow (that would need proving the Deny covers
 * exactly what the Allow lets in); the fix is the exact policy instead, and the finding says so.
 *
 * Pure: no vscode, no network, never throws on any input.
 */

import { canonicalJson } from '../plan/model';

export const COGNITO_PRINCIPAL = 'cognito-identity.amazonaws.com';
export const AUD_KEY = 'cognito-identity.amazonaws.com:aud';
export const AMR_KEY = 'cognito-identity.amazonaws.com:amr';
export const WEB_IDENTITY_ACTION = 'sts:AssumeRoleWithWebIdentity';

/** Parses a trust policy as IAM returns it (URL-encoded JSON) or as plain JSON text or an object. */
export function parseTrustPolicy(doc: unknown): { policy: unknown } | { error: string } {
  if (doc !== null && typeof doc === 'object') return { policy: doc };
  if (typeof doc !== 'string' || !doc.trim()) return { error: 'The role has no trust policy document.' };
  const attempts = [doc];
  if (doc.includes('%')) {
    try {
      attempts.unshift(decodeURIComponent(doc));
    } catch {
      // not URL-encoded after all
    }
  }
  for (const text of attempts) {
    try {
      const v: unknown = JSON.parse(text);
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) return { policy: v };
    } catch {
      // try the next form
    }
  }
  return { error: 'The role\'s trust policy is not a JSON object (neither plain nor URL-encoded).' };
}

/** A role's trust policy as the preflight's RoleInfo holds it: parsed, or why it could not be. */
export function readTrustPolicy(doc: unknown): { trustPolicy: unknown } | { trustPolicyError: string } {
  const parsed = parseTrustPolicy(doc);
  return 'policy' in parsed ? { trustPolicy: parsed.policy } : { trustPolicyError: parsed.error };
}

/** A policy document as text to show: URL-decoded when IAM returned it encoded, else as it is. */
export function trustPolicyText(doc: unknown): string {
  const text = typeof doc === 'string' ? doc : '';
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A policy document as IAM returns it (URL-encoded JSON, plain JSON or an object) equals `policyJson`, key order aside. */
export function samePolicyDocument(doc: unknown, policyJson: string): boolean {
  const parsed = parseTrustPolicy(doc);
  return 'policy' in parsed && canonicalJson(parsed.policy) === canonicalJson(JSON.parse(policyJson));
}

/** The trust policy the authenticated role needs (AWS docs, role-trust-and-permissions). */
export function recommendedTrustPolicy(poolId: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: COGNITO_PRINCIPAL },
        Action: WEB_IDENTITY_ACTION,
        Condition: {
          StringEquals: { [AUD_KEY]: poolId },
          'ForAnyValue:StringLike': { [AMR_KEY]: 'authenticated' },
        },
      },
    ],
  }, null, 2);
}

// ---------------------------------------------------------------------------------------------
// Reading statements

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const scalar = (x: unknown): string | undefined => (typeof x === 'string' ? x : typeof x === 'number' || typeof x === 'boolean' ? String(x) : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(scalar).filter((x): x is string => x !== undefined) : scalar(v) !== undefined ? [scalar(v) as string] : []);
const quote = (v: string): string => JSON.stringify(v);
const COGNITO_NAME = /^cognito-identity\.amazonaws\.com(\.cn)?$/i;

/** IAM's wildcard match: * any run, ? one character. */
function globMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  // Iterative matcher (linear-ish, no regex built from policy text).
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const v = ignoreCase ? value.toLowerCase() : value;
  let pi = 0;
  let vi = 0;
  let star = -1;
  let mark = 0;
  while (vi < v.length) {
    if (pi < p.length && (p[pi] === '?' || p[pi] === v[vi])) {
      pi++;
      vi++;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi++;
      mark = vi;
    } else if (star >= 0) {
      pi = star + 1;
      vi = ++mark;
    } else return false;
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}

const hasWildcard = (s: string): boolean => /[*?]/.test(s);

/** One condition entry on one key: `"ForAnyValue:StringLike": { key: values }`. */
export interface ConditionEntry {
  /** The operator as written. */
  op: string;
  /** Lowercased operator without set prefix and IfExists, e.g. "stringlike". */
  base: string;
  set: 'any' | 'all' | undefined;
  ifExists: boolean;
  values: string[];
}

function conditionsOn(st: Obj, key: string): ConditionEntry[] {
  const out: ConditionEntry[] = [];
  const cond = st.Condition;
  if (!isObj(cond)) return out;
  for (const [op, body] of Object.entries(cond)) {
    if (!isObj(body)) continue;
    const m = /^(?:(ForAnyValue|ForAllValues):)?(.*?)(IfExists)?$/i.exec(op.trim());
    if (!m) continue;
    const set = m[1] ? (m[1].toLowerCase() === 'foranyvalue' ? 'any' : 'all') : undefined;
    for (const [k, v] of Object.entries(body)) {
      if (k.trim().toLowerCase() === key) out.push({ op, base: (m[2] ?? '').toLowerCase(), set, ifExists: Boolean(m[3]), values: strings(v) });
    }
  }
  return out;
}

/** Condition keys other than aud and amr (their truth is unknown here). */
function otherConditionKeys(st: Obj): string[] {
  const cond = st.Condition;
  if (!isObj(cond)) return [];
  const keys = new Set<string>();
  for (const body of Object.values(cond)) {
    if (!isObj(body)) continue;
    for (const k of Object.keys(body)) if (![AUD_KEY, AMR_KEY].includes(k.trim().toLowerCase())) keys.add(k);
  }
  return [...keys];
}

const STRING_OPS = new Set(['stringequals', 'stringnotequals', 'stringequalsignorecase', 'stringnotequalsignorecase', 'stringlike', 'stringnotlike']);

/**
 * Whether one entry holds for the request's values of the key (empty = key absent). undefined
 * when the operator is not a string operator (its truth is not judged here).
 */
function entryHolds(c: ConditionEntry, values: readonly string[]): boolean | undefined {
  if (!STRING_OPS.has(c.base)) return undefined;
  const negated = c.base.includes('not');
  const like = c.base.endsWith('like');
  const ic = c.base.endsWith('ignorecase');
  const matches = (v: string) => c.values.some((p) => (like ? globMatch(p, v, false) : ic ? p.toLowerCase() === v.toLowerCase() : p === v));
  const one = (v: string) => (negated ? !matches(v) : matches(v));
  if (values.length === 0) {
    if (c.ifExists) return true;
    if (c.set === 'all') return true;
    if (c.set === 'any') return false;
    return negated;
  }
  if (c.set === 'all') return values.every(one);
  if (c.set === 'any') return values.some(one);
  return negated ? values.every(one) : values.some(one);
}

/** All entries on a key hold (AND); unknown operators are taken to hold. */
function allHold(cs: readonly ConditionEntry[], values: readonly string[]): boolean {
  return cs.every((c) => entryHolds(c, values) !== false);
}

// ---------------------------------------------------------------------------------------------
// Judging statements

export interface TrustStatement {
  /** 1-based position in the policy. */
  index: number;
  sid: string | undefined;
  /** 'Statement 2 (no Sid)' or 'Statement 2 (Sid "AllowPool")'. */
  label: string;
  effect: 'Allow' | 'Deny' | 'other';
  /** 'cognito': names cognito-identity.amazonaws.com; 'any': Principal "*" or a NotPrincipal that does not exclude it. */
  principal: 'cognito' | 'any' | 'other';
  /** Federated principals named (for messages). */
  federated: string[];
  /** Action (or NotAction, then prefixed "not ") as written. */
  actions: string[];
  /** The statement's Action/NotAction covers sts:AssumeRoleWithWebIdentity. */
  coversAction: boolean;
  /** Effect Allow, principal cognito or any, action covered: IAM evaluates it for Cognito. */
  counts: boolean;
  aud: {
    /** StringEquals aud = exactly the pool (with no pool: exactly one pool id). */
    pinned: boolean;
    /** The aud conditions hold for the pool (always true with no pool). */
    admitsPool: boolean;
    /** Pool ids named in positive aud conditions. */
    pools: string[];
    /** Which identity pools it lets in: 'any identity pool in any account', ... */
    text: string;
    /** No positive aud restriction at all (none, or only negated operators). */
    unrestricted: boolean;
    /** The pools a plain StringEquals names (undefined: no StringEquals on aud). */
    exactPools: string[] | undefined;
  };
  amr: {
    /** ForAnyValue:StringLike with "authenticated" and nothing that matches "unauthenticated". */
    pinned: boolean;
    admitsAuthenticated: boolean;
    admitsGuests: boolean;
    /** True for a request with no amr at all (ForAllValues, IfExists, negated operators). */
    admitsEmpty: boolean;
    values: string[];
    text: string;
    unrestricted: boolean;
  };
  /** Other condition keys (not judged). */
  otherKeys: string[];
  /** What the statement lets in: 'any identity pool in any account, authenticated or not'. */
  admits: string;
}

function statementsOf(policy: unknown): Obj[] {
  if (!isObj(policy)) return [];
  const s = policy.Statement;
  return Array.isArray(s) ? s.filter(isObj) : isObj(s) ? [s] : [];
}

function principalOf(st: Obj): { kind: TrustStatement['principal']; federated: string[] } {
  const names = (p: unknown): { any: boolean; federated: string[] } => {
    if (p === '*') return { any: true, federated: [] };
    if (!isObj(p)) return { any: false, federated: [] };
    const federated = strings(p.Federated);
    const any = Object.values(p).some((v) => strings(v).includes('*'));
    return { any, federated };
  };
  if (st.Principal !== undefined) {
    const n = names(st.Principal);
    if (n.any) return { kind: 'any', federated: n.federated };
    return { kind: n.federated.some((f) => COGNITO_NAME.test(f.trim())) ? 'cognito' : 'other', federated: n.federated };
  }
  if (st.NotPrincipal !== undefined) {
    const n = names(st.NotPrincipal);
    const excludes = n.any || n.federated.some((f) => COGNITO_NAME.test(f.trim()));
    return { kind: excludes ? 'other' : 'any', federated: [] };
  }
  return { kind: 'other', federated: [] };
}

function actionOf(st: Obj): { covers: boolean; actions: string[] } {
  const covers = (patterns: string[]) => patterns.some((a) => globMatch(a.trim(), WEB_IDENTITY_ACTION, true));
  if (st.Action !== undefined) {
    const a = strings(st.Action);
    return { covers: covers(a), actions: a };
  }
  if (st.NotAction !== undefined) {
    const a = strings(st.NotAction);
    return { covers: !covers(a), actions: a.map((x) => `not ${x}`) };
  }
  return { covers: false, actions: [] };
}

const AUTHENTICATED = ['authenticated'];
const GUEST = ['unauthenticated'];

function judgeAud(cs: ConditionEntry[], poolId: string | undefined): TrustStatement['aud'] {
  const positive = cs.filter((c) => STRING_OPS.has(c.base) && !c.base.includes('not'));
  const pools = [...new Set(positive.flatMap((c) => c.values))];
  const admitsPool = poolId === undefined ? true : allHold(cs, [poolId]);
  // StringEquals, or StringLike without a wildcard (which IAM evaluates the same way).
  const exact = cs.filter((c) => (c.base === 'stringequals' || (c.base === 'stringlike' && !c.values.some(hasWildcard))) && !c.set && !c.ifExists && c.values.length > 0);
  // AND of the exact pins: the pools every one of them names.
  const pinnedTo = exact.length ? exact.map((c) => new Set(c.values)).reduce((a, b) => new Set([...a].filter((x) => b.has(x)))) : undefined;
  const pinned = pinnedTo !== undefined && (poolId === undefined ? pinnedTo.size === 1 : pinnedTo.size === 1 && pinnedTo.has(poolId));
  const unrestricted = positive.length === 0;
  let text: string;
  if (pinned) text = poolId ? 'only this identity pool' : `only the identity pool ${[...(pinnedTo ?? [])][0] ?? ''}`;
  else if (unrestricted) {
    const neg = cs.filter((c) => c.base.includes('not'));
    text = neg.length
      ? `any identity pool in any account except ${neg.flatMap((c) => c.values).map(quote).join(', ')} (a negated operator is no pin)`
      : 'any identity pool in any account';
  } else if (pinnedTo) {
    const others = [...pinnedTo].filter((p) => p !== poolId);
    if (poolId !== undefined && !pinnedTo.has(poolId)) text = pinnedTo.size ? `only the identity pool${pinnedTo.size > 1 ? 's' : ''} ${[...pinnedTo].join(', ')}, not this one` : 'no identity pool';
    else text = `${poolId ? 'this identity pool and ' : ''}the identity pool${others.length > 1 ? 's' : ''} ${others.join(', ')}`;
  } else {
    const parts = positive.map((c) => {
      const vals = c.values.map(quote).join(', ');
      if (c.set === 'all' || c.ifExists) return `any request without an aud (${c.op} ${vals} holds when the key is absent)`;
      if (c.base === 'stringlike' && c.values.some(hasWildcard)) return `any identity pool whose id matches ${vals}`;
      return `the identity pool ${vals} tested with ${c.op}, not StringEquals`;
    });
    text = parts.join('; ');
    if (poolId !== undefined && !admitsPool) text += ', not this one';
  }
  return { pinned, admitsPool, pools, text, unrestricted, exactPools: pinnedTo ? [...pinnedTo] : undefined };
}

function judgeAmr(cs: ConditionEntry[]): TrustStatement['amr'] {
  const positive = cs.filter((c) => STRING_OPS.has(c.base) && !c.base.includes('not'));
  const values = [...new Set(positive.flatMap((c) => c.values))];
  const admitsAuthenticated = allHold(cs, AUTHENTICATED);
  const admitsGuests = allHold(cs, GUEST);
  const admitsEmpty = allHold(cs, []);
  // The documented form is ForAnyValue:StringLike; ForAnyValue:StringEquals "authenticated" means the same.
  const documented = cs.some((c) => (c.base === 'stringlike' || c.base === 'stringequals') && c.set === 'any' && !c.ifExists
    && c.values.some((v) => globMatch(v, 'authenticated', false)) && !c.values.some((v) => globMatch(v, 'unauthenticated', false)));
  const pinned = documented && admitsAuthenticated && !admitsGuests && !admitsEmpty;
  const unrestricted = positive.length === 0;
  let text: string;
  if (pinned) text = 'signed-in identities only';
  else if (cs.length === 0) text = 'authenticated or not';
  else if (!admitsAuthenticated) text = admitsGuests ? 'guest (unauthenticated) identities only' : 'no signed-in identity';
  else if (admitsGuests) text = `guest (unauthenticated) identities too (amr ${cs.map((c) => `${c.op} ${c.values.map(quote).join(', ')}`).join(' and ')} matches "unauthenticated")`;
  else if (admitsEmpty) {
    const c = cs.find((x) => x.set === 'all' || x.ifExists || x.base.includes('not'));
    text = `any request without amr values (${c ? c.op : 'the amr condition'} holds for an empty set; use ForAnyValue:StringLike)`;
  } else text = `signed-in identities, but amr is tested with ${cs.map((c) => c.op).join(', ')} instead of ForAnyValue:StringLike`;
  return { pinned, admitsAuthenticated, admitsGuests, admitsEmpty, values, text, unrestricted };
}

function judgeStatement(st: Obj, i: number, poolId: string | undefined): TrustStatement {
  const sid = typeof st.Sid === 'string' && st.Sid ? st.Sid : undefined;
  const effectText = typeof st.Effect === 'string' ? st.Effect.trim().toLowerCase() : '';
  const effect: TrustStatement['effect'] = effectText === 'allow' ? 'Allow' : effectText === 'deny' ? 'Deny' : 'other';
  const p = principalOf(st);
  const a = actionOf(st);
  const aud = judgeAud(conditionsOn(st, AUD_KEY), poolId);
  const amr = judgeAmr(conditionsOn(st, AMR_KEY));
  const who = p.kind === 'any' ? 'any principal (not only cognito-identity.amazonaws.com) and ' : '';
  return {
    index: i + 1,
    sid,
    label: `Statement ${i + 1} (${sid ? `Sid ${quote(sid)}` : 'no Sid'})`,
    effect,
    principal: p.kind,
    federated: p.federated,
    actions: a.actions,
    coversAction: a.covers,
    counts: effect === 'Allow' && p.kind !== 'other' && a.covers,
    aud,
    amr,
    otherKeys: otherConditionKeys(st),
    admits: `${who}${aud.text}, ${amr.text}`,
  };
}

// ---------------------------------------------------------------------------------------------
// The verdict

export type TrustStatus = 'pass' | 'fail' | 'skip';

export interface TrustVerdict {
  status: TrustStatus;
  message: string;
  /** true when Cognito itself would refuse this pool's signed-in users (not only a security finding). */
  blocks: boolean;
  /** The statements the message names. */
  statements: TrustStatement[];
}

export interface TrustEvaluation {
  /** The parsed policy; undefined when it does not parse (error says why). */
  policy: unknown;
  error: string | undefined;
  poolId: string | undefined;
  statements: TrustStatement[];
  /** The Allow statements IAM evaluates for Cognito's sts:AssumeRoleWithWebIdentity. */
  allows: TrustStatement[];
  /** Deny statements that cover Cognito's sts:AssumeRoleWithWebIdentity. */
  denies: TrustStatement[];
  principal: TrustVerdict;
  aud: TrustVerdict;
  amr: TrustVerdict;
  /** Every counted Allow statement pins aud (and amr) to this pool's signed-in identities, one of them exists, and no Deny blocks it. */
  pinned: boolean;
  /** About Deny statements (not used to excuse a loose Allow). */
  notes: string[];
}

const list = (xs: string[]): string => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join('; ')}; and ${xs[xs.length - 1] ?? ''}`);
const labels = (ss: TrustStatement[]): string => (ss.length <= 1 ? ss.map((s) => s.label).join('') : `${ss.slice(0, -1).map((s) => s.label).join(', ')} and ${ss[ss.length - 1]?.label ?? ''}`);

/** A Deny that holds for this pool's signed-in identities (its other condition keys taken to hold). */
function denyBlocks(st: Obj, s: TrustStatement, poolId: string | undefined): boolean {
  const aud = conditionsOn(st, AUD_KEY);
  const amr = conditionsOn(st, AMR_KEY);
  if (s.otherKeys.length) return false;
  return (poolId === undefined ? aud.length === 0 : allHold(aud, [poolId])) && allHold(amr, AUTHENTICATED);
}

/**
 * Judges `doc` (as IAM returns it, plain JSON or an object) as the trust policy of the
 * authenticated role of `poolId` (undefined: judge the pins without a particular pool).
 */
export function evaluateTrustPolicy(doc: unknown, poolId?: string): TrustEvaluation {
  try {
    return evaluate(parseTrustPolicy(doc), poolId);
  } catch (e) {
    // A hostile shape (getters, odd prototypes): not pinned, said plainly.
    return evaluate({ error: `The trust policy could not be judged (${e instanceof Error ? e.message : 'unexpected shape'}).` }, poolId);
  }
}

function evaluate(parsed: { policy: unknown } | { error: string }, poolId: string | undefined): TrustEvaluation {
  const skip = (message: string): TrustVerdict => ({ status: 'skip', message, blocks: false, statements: [] });
  if (!('policy' in parsed)) {
    const v: TrustVerdict = { status: 'fail', message: `The trust policy could not be read: ${parsed.error}`, blocks: true, statements: [] };
    return { policy: undefined, error: parsed.error, poolId, statements: [], allows: [], denies: [], principal: v, aud: skip('Not checked: the trust policy could not be read.'), amr: skip('Not checked: the trust policy could not be read.'), pinned: false, notes: [] };
  }
  const raw = statementsOf(parsed.policy);
  const statements = raw.map((st, i) => judgeStatement(st, i, poolId));
  const allows = statements.filter((s) => s.counts);
  const denies = statements.filter((s) => s.effect === 'Deny' && s.principal !== 'other' && s.coversAction);
  const blocking = denies.filter((s) => denyBlocks(raw[s.index - 1] ?? {}, s, poolId));
  const notes = denies.filter((s) => !blocking.includes(s)).map((s) => `${s.label} is a Deny; it is not counted as narrowing the Allow statements (the extension does not prove a Deny covers exactly what an Allow lets in), so the exact policy is the fix.`);

  // principal
  let principal: TrustVerdict;
  if (!allows.length) {
    let why: string;
    const cognito = statements.filter((s) => s.effect === 'Allow' && s.principal !== 'other');
    if (statements.length === 0) why = 'it has no statements';
    else if (cognito.length) why = `${cognito[0]?.label} names cognito-identity.amazonaws.com but allows ${cognito[0]?.actions.join(', ') || 'no action'}, not sts:AssumeRoleWithWebIdentity`;
    else {
      const feds = statements.filter((s) => s.effect === 'Allow').flatMap((s) => s.federated);
      why = feds.length
        ? `it trusts ${feds.join(', ')} instead of cognito-identity.amazonaws.com (a trust for the OIDC provider itself is for direct STS calls, not for identity pools)`
        : 'no Allow statement names the federated principal cognito-identity.amazonaws.com';
    }
    principal = { status: 'fail', message: `It does not let Cognito assume the role: ${why}.`, blocks: true, statements: cognito.slice(0, 1) };
  } else if (blocking.length) {
    principal = { status: 'fail', message: `${labels(blocking)} ${blocking.length > 1 ? 'deny' : 'denies'} sts:AssumeRoleWithWebIdentity to ${poolId ? 'this pool\'s signed-in identities' : 'Cognito'}: a Deny wins over any Allow.`, blocks: true, statements: blocking };
  } else {
    principal = { status: 'pass', message: `${labels(allows)} ${allows.length > 1 ? 'allow' : 'allows'} cognito-identity.amazonaws.com to call sts:AssumeRoleWithWebIdentity.`, blocks: false, statements: allows };
  }
  const noteText = notes.length ? ` ${notes.join(' ')}` : '';

  // aud
  let aud: TrustVerdict;
  if (!allows.length) aud = skip('Not checked: no statement lets cognito-identity.amazonaws.com call sts:AssumeRoleWithWebIdentity.');
  else {
    const loose = allows.filter((s) => !s.aud.pinned);
    if (poolId !== undefined && !allows.some((s) => s.aud.admitsPool)) {
      aud = { status: 'fail', message: `No statement lets this identity pool (${poolId}) in: ${list(allows.map((s) => `${s.label} allows ${s.aud.text}`))}.`, blocks: true, statements: allows };
    } else if (loose.length) {
      aud = { status: 'fail', message: `Not pinned to ${poolId ? 'this identity pool' : 'one identity pool'}: ${list(loose.map((s) => `${s.label} allows ${s.admits}`))}. IAM allows the call when any Allow statement matches, so every such statement must say StringEquals "${AUD_KEY}": "${poolId ?? '<identity pool id>'}".${noteText}`, blocks: false, statements: loose };
    } else {
      aud = { status: 'pass', message: `Every statement that lets Cognito assume the role (${labels(allows)}) pins aud to ${poolId ? `this pool (${poolId})` : 'one pool'} with StringEquals.`, blocks: false, statements: allows };
    }
  }

  // amr
  let amr: TrustVerdict;
  if (!allows.length) amr = skip('Not checked: no statement lets cognito-identity.amazonaws.com call sts:AssumeRoleWithWebIdentity.');
  else {
    const forPool = allows.filter((s) => s.aud.admitsPool);
    const loose = allows.filter((s) => !s.amr.pinned);
    if (forPool.length && !forPool.some((s) => s.amr.admitsAuthenticated)) {
      const vals = forPool.flatMap((s) => s.amr.values);
      amr = { status: 'fail', message: `The amr condition allows ${vals.map(quote).join(', ') || 'nothing'}, not "authenticated": signed-in users cannot assume it (${list(forPool.map((s) => `${s.label} allows ${s.amr.text}`))}).`, blocks: true, statements: forPool };
    } else if (loose.length) {
      amr = { status: 'fail', message: `Not limited to signed-in identities: ${list(loose.map((s) => `${s.label} allows ${s.admits}`))}. Every such statement must say "ForAnyValue:StringLike": { "${AMR_KEY}": "authenticated" }.${noteText}`, blocks: false, statements: loose };
    } else {
      amr = { status: 'pass', message: 'Every statement that lets Cognito assume the role requires amr "authenticated" (ForAnyValue:StringLike).', blocks: false, statements: allows };
    }
  }
  const pinned = principal.status === 'pass' && aud.status === 'pass' && amr.status === 'pass';
  return { policy: parsed.policy, error: undefined, poolId, statements, allows, denies, principal, aud, amr, pinned, notes };
}

// ---------------------------------------------------------------------------------------------
// Judging the same policy again and again (the preflight: once per token against one pool)

interface Judged {
  trust?: TrustEvaluation;
  tagSession?: TagSessionVerdict;
}
interface PolicyMemo {
  /** A JSON copy of the policy object when it was judged: an object changed in place since is judged again. */
  json: unknown;
  byPool: Map<string | undefined, Judged>;
}
/** Per policy object (weak: goes with the role read); policy texts by their text (bounded). */
const memoByObject = new WeakMap<object, PolicyMemo>();
const memoByText = new Map<string, Map<string | undefined, Judged>>();
const MAX_MEMO_TEXTS = 64;
const MAX_MEMO_POOLS = 16;

function judgedSlot(doc: unknown, poolId: string | undefined): Judged | undefined {
  let byPool: Map<string | undefined, Judged> | undefined;
  if (typeof doc === 'string') {
    byPool = memoByText.get(doc);
    if (!byPool) {
      if (memoByText.size >= MAX_MEMO_TEXTS) memoByText.clear();
      byPool = new Map();
      memoByText.set(doc, byPool);
    }
  } else if (doc !== null && typeof doc === 'object') {
    let memo = memoByObject.get(doc);
    let same = false;
    try {
      same = memo !== undefined && sameAsJson(doc, memo.json, 0);
    } catch {
      // a throwing getter: judged again below, or each time
    }
    if (!memo || !same) {
      let json: unknown;
      try {
        json = JSON.parse(JSON.stringify(doc) ?? 'null');
      } catch {
        return undefined; // a cycle, a BigInt, a throwing getter: judged each time
      }
      memo = { json, byPool: new Map() };
      memoByObject.set(doc, memo);
    }
    byPool = memo.byPool;
  } else return undefined;
  let slot = byPool.get(poolId);
  if (!slot) {
    if (byPool.size >= MAX_MEMO_POOLS) byPool.clear();
    slot = {};
    byPool.set(poolId, slot);
  }
  return slot;
}

/**
 * `live` holds exactly the JSON values of `snap` (a JSON.parse result): the same own enumerable
 * keys and equal strings, numbers, booleans and nulls. Anything JSON cannot hold (undefined,
 * NaN, functions, a toJSON) makes it false, so such a policy is judged again: never a stale
 * result, only a slower one. No strings built: cheaper than JSON.stringify.
 */
function sameAsJson(live: unknown, snap: unknown, depth: number): boolean {
  if (live === snap) return true;
  if (depth > 64 || live === null || snap === null || typeof live !== 'object' || typeof snap !== 'object') return false;
  if (Array.isArray(snap)) {
    if (!Array.isArray(live) || live.length !== snap.length) return false;
    for (let i = 0; i < snap.length; i++) if (!sameAsJson(live[i], snap[i], depth + 1)) return false;
    return true;
  }
  if (Array.isArray(live) || 'toJSON' in live) return false;
  const keys = Object.keys(live);
  const s = snap as Record<string, unknown>;
  let n = 0;
  for (const k in s) if (Object.prototype.hasOwnProperty.call(s, k)) n++;
  if (keys.length !== n) return false;
  const l = live as Record<string, unknown>;
  for (const k of keys) if (!Object.prototype.hasOwnProperty.call(s, k) || !sameAsJson(l[k], s[k], depth + 1)) return false;
  return true;
}

/**
 * evaluateTrustPolicy, remembered per policy (the object, or the text) and pool id: for callers
 * that judge the same role for many tokens (the preflight). An object is judged again when it no
 * longer holds the JSON it held then (edited in place: sameAsJson); changes JSON does not show
 * (non-enumerable or inherited properties) are not noticed. The result is shared: read it, never
 * change it.
 */
export function evaluateTrustPolicyCached(doc: unknown, poolId?: string): TrustEvaluation {
  const slot = judgedSlot(doc, poolId);
  if (!slot) return evaluateTrustPolicy(doc, poolId);
  return (slot.trust ??= evaluateTrustPolicy(doc, poolId));
}

/** evaluateTagSession, remembered like evaluateTrustPolicyCached (shared result: read only). */
export function evaluateTagSessionCached(doc: unknown, poolId: string | undefined): TagSessionVerdict {
  const slot = judgedSlot(doc, poolId);
  if (!slot) return evaluateTagSession(doc, poolId);
  return (slot.tagSession ??= evaluateTagSession(doc, poolId));
}

// ---------------------------------------------------------------------------------------------
// sts:TagSession (attributes for access control, issue 13). Kept apart from the verdict above:
// when the pool maps claims to principal tags, Cognito passes session tags and STS then needs
// sts:TagSession allowed too, for this pool's signed-in identities, in the trust policy of every
// role the pool can give (IAM user guide, id_session-tags: "Things to know about session tags").

export const TAG_SESSION_ACTION = 'sts:TagSession';

export interface TagSessionVerdict {
  /** An Allow statement for Cognito covers sts:TagSession with aud/amr conditions that hold for this pool's signed-in identities, and no Deny blocks it. */
  allowed: boolean;
  message: string;
  /** The statements the message names. */
  statements: TrustStatement[];
}

function coversTagSession(st: Obj): boolean {
  const covers = (patterns: string[]) => patterns.some((a) => globMatch(a.trim(), TAG_SESSION_ACTION, true));
  if (st.Action !== undefined) return covers(strings(st.Action));
  if (st.NotAction !== undefined) return !covers(strings(st.NotAction));
  return false;
}

/** Whether the trust policy lets Cognito tag the sessions of this pool's signed-in identities. Never throws. */
export function evaluateTagSession(doc: unknown, poolId: string | undefined): TagSessionVerdict {
  try {
    const parsed = parseTrustPolicy(doc);
    if (!('policy' in parsed)) return { allowed: false, message: `The trust policy could not be read: ${parsed.error}`, statements: [] };
    const raw = statementsOf(parsed.policy);
    const judged = raw.map((st, i) => ({ st, s: judgeStatement(st, i, poolId) }));
    const holds = (st: Obj) => (poolId === undefined || allHold(conditionsOn(st, AUD_KEY), [poolId])) && allHold(conditionsOn(st, AMR_KEY), AUTHENTICATED);
    const allows = judged.filter(({ st, s }) => s.effect === 'Allow' && s.principal !== 'other' && coversTagSession(st) && holds(st));
    const denies = judged.filter(({ st, s }) => s.effect === 'Deny' && s.principal !== 'other' && coversTagSession(st) && s.otherKeys.length === 0 && holds(st));
    if (denies.length) return { allowed: false, message: `${labels(denies.map((x) => x.s))} ${denies.length > 1 ? 'deny' : 'denies'} ${TAG_SESSION_ACTION}: Cognito cannot pass session tags, so GetCredentialsForIdentity fails for this role.`, statements: denies.map((x) => x.s) };
    if (!allows.length) return { allowed: false, message: `No statement allows ${TAG_SESSION_ACTION} to cognito-identity.amazonaws.com for this pool's signed-in identities: with principal tags mapped, GetCredentialsForIdentity fails for this role.`, statements: [] };
    return { allowed: true, message: `${labels(allows.map((x) => x.s))} ${allows.length > 1 ? 'allow' : 'allows'} ${TAG_SESSION_ACTION} for this pool's signed-in identities.`, statements: allows.map((x) => x.s) };
  } catch (e) {
    return { allowed: false, message: `The trust policy could not be judged (${e instanceof Error ? e.message : 'unexpected shape'}).`, statements: [] };
  }
}

/** The recommended trust policy (recommendedTrustPolicy) with sts:TagSession added to its one statement. */
export function recommendedTrustPolicyWithTags(poolId: string): string {
  const p = JSON.parse(recommendedTrustPolicy(poolId)) as { Statement: Array<Record<string, unknown>> };
  for (const st of p.Statement) st.Action = [WEB_IDENTITY_ACTION, TAG_SESSION_ACTION];
  return JSON.stringify(p, null, 2);
}

/**
 * The policy with sts:TagSession added to every Allow statement that lets Cognito call
 * sts:AssumeRoleWithWebIdentity (same conditions, nothing else changed); undefined when the
 * policy does not parse or has no such statement.
 */
export function trustPolicyWithTagSession(doc: unknown): string | undefined {
  const parsed = parseTrustPolicy(doc);
  if (!('policy' in parsed)) return undefined;
  const copy = JSON.parse(JSON.stringify(parsed.policy)) as Obj;
  const list = Array.isArray(copy.Statement) ? copy.Statement : isObj(copy.Statement) ? [copy.Statement] : [];
  let changed = false;
  list.forEach((st: unknown, i: number) => {
    if (!isObj(st)) return;
    const s = judgeStatement(st, i, undefined);
    if (!s.counts || st.Action === undefined || coversTagSession(st)) return;
    st.Action = [...strings(st.Action), TAG_SESSION_ACTION];
    changed = true;
  });
  return changed ? JSON.stringify(copy, null, 2) : undefined;
}
