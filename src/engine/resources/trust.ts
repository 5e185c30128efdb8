/**
 * What a role's trust policy says about cognito-identity.amazonaws.com, in the words of the
 * resources tree (a one-line summary and warnings), judged by ../aws/trustPolicy.
 */
import { AMR_KEY, AUD_KEY, evaluateTrustPolicy, trustPolicyText, type TrustStatement } from '../aws/trustPolicy';

export type TrustWarningKind = 'noAud' | 'audWildcard' | 'noAmr' | 'notParsed';

export interface TrustWarning {
  kind: TrustWarningKind;
  message: string;
}

/** What a role's trust policy says about cognito-identity.amazonaws.com. */
export interface CognitoTrust {
  /** Allow statements whose Principal.Federated is cognito-identity.amazonaws.com. */
  statements: number;
  /** Identity pool ids named in aud conditions (any statement). */
  audPools: string[];
  /** amr values ('authenticated', 'unauthenticated', ...) named in amr conditions. */
  amr: string[];
  /** One line: who may assume the role. */
  summary: string;
  warnings: TrustWarning[];
  /** The parsed policy (undefined when it did not parse). */
  policy: unknown;
}

/**
 * Reads a trust policy (as IAM returns it: URL-encoded JSON; or plain JSON, or an object) and says
 * whether it trusts cognito-identity.amazonaws.com and how tightly, judged by ../aws/trustPolicy (every
 * Allow statement IAM would evaluate, not just the first that matches): undefined when no Allow
 * statement names cognito-identity.amazonaws.com or lets any principal call
 * sts:AssumeRoleWithWebIdentity. A policy that does not parse but mentions cognito-identity is
 * returned with a 'notParsed' warning.
 */
export function analyzeCognitoTrust(doc: unknown): CognitoTrust | undefined {
  const ev = evaluateTrustPolicy(doc);
  if (ev.error !== undefined) {
    if (!/cognito-identity\.amazonaws\.com/i.test(trustPolicyText(doc))) return undefined;
    return { statements: 0, audPools: [], amr: [], summary: 'trust policy not readable', policy: undefined, warnings: [{ kind: 'notParsed', message: ev.error }] };
  }
  const ours = ev.statements.filter((st) => st.effect === 'Allow' && (st.counts || st.principal === 'cognito'));
  if (!ours.length) return undefined;
  const counted = ours.filter((st) => st.counts);
  const names = (ss: TrustStatement[]) => ss.map((st) => st.label).join(', ');
  const noAud = counted.filter((st) => st.aud.unrestricted);
  const audLoose = counted.filter((st) => !st.aud.unrestricted && !st.aud.pinned && st.aud.exactPools === undefined);
  const amrLoose = counted.filter((st) => st.amr.unrestricted || st.amr.admitsEmpty || (st.amr.admitsGuests && st.amr.admitsAuthenticated));
  const warnings: TrustWarning[] = [];
  if (noAud.length) {
    warnings.push({ kind: 'noAud', message: `No aud condition in ${names(noAud)} (${noAud.map((st) => st.admits).join('; ')}): ANY identity pool, in any account, can get credentials for this role. Add "StringEquals": { "${AUD_KEY}": "<identity pool id>" }.` });
  }
  if (audLoose.length) {
    warnings.push({ kind: 'audWildcard', message: `The aud condition in ${names(audLoose)} is not an exact pin (${audLoose.map((st) => st.aud.text).join('; ')}): it can match other identity pools. Use "StringEquals" with the identity pool id.` });
  }
  if (amrLoose.length) {
    warnings.push({ kind: 'noAmr', message: `No usable amr condition in ${names(amrLoose)} (${amrLoose.map((st) => st.amr.text).join('; ')}): guest (unauthenticated) identities can assume the role as well as signed-in ones. Add "ForAnyValue:StringLike": { "${AMR_KEY}": "authenticated" }.` });
  }
  const pools = [...new Set(ours.flatMap((st) => st.aud.pools))];
  const amr = [...new Set(ours.flatMap((st) => st.amr.values))];
  if (!counted.length) {
    return { statements: ours.length, audPools: pools, amr, policy: ev.policy, warnings, summary: 'names cognito-identity.amazonaws.com, but no statement allows sts:AssumeRoleWithWebIdentity' };
  }
  const who = amr.length ? amr.join(' or ') : 'any';
  const poolText = noAud.length ? 'any identity pool' : pools.length === 1 ? `pool ${pools[0]}` : `${pools.length} pools`;
  return { statements: ours.length, audPools: pools, amr, policy: ev.policy, warnings, summary: `${poolText} · ${who} identities` };
}
