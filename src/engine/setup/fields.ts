/**
 * The setup wizard's form, checked field by field with the CLI's rules (validateSetupConfig),
 * so that the editor and the CLI accept the same names, and an invalid field is shown next to
 * the field before any AWS or Auth0 call is made.
 */
import { describeError } from '../errors';
import { validateSetupConfig } from './core';
import type { SetupConfig } from './types';

/** What the wizard has: its form, the picked pool/role (Resources view) and the AWS settings. */
export interface SetupFieldsInput {
  aws: { region: string; profile?: string | undefined; endpoint?: string | undefined };
  domain: string;
  clientId: string;
  poolName: string;
  /** A role name or role ARN (typed, or picked in the Resources view). */
  roleName?: string | undefined;
  /** An identity pool id picked in the Resources view. */
  poolId?: string | undefined;
}

export type SetupField = 'domain' | 'clientId' | 'poolName' | 'roleName' | 'poolId';

export type SetupFieldsResult =
  | { ok: true; config: SetupConfig }
  | { ok: false; fieldErrors: Partial<Record<SetupField, string>>; error: { message: string; hint: string } | undefined };

/** Values every rule accepts: each field is checked alone, with the others set to these. */
const GOOD = { domain: 'example.auth0.com', clientId: 'client', poolName: 'pool' };
const GOOD_AWS = { region: 'us-east-1' };

function text(e: unknown): string {
  const d = describeError(e);
  return d.hint ? `${d.message} ${d.hint}` : d.message;
}

function attempt(config: unknown): unknown {
  try {
    validateSetupConfig(config);
    return undefined;
  } catch (e) {
    return e;
  }
}

/**
 * Checks every field of `input` (all of them, not only the first bad one) and returns either
 * the normalised config or why each bad field is bad. `error` is for what is not a form field
 * (the AWS settings: region, endpoint).
 */
export function checkSetupFields(input: SetupFieldsInput): SetupFieldsResult {
  const fieldErrors: Partial<Record<SetupField, string>> = {};
  const one = (field: SetupField, config: unknown) => {
    const e = attempt(config);
    if (e) fieldErrors[field] = text(e);
  };
  const names = (o: Record<string, string | undefined>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== ''));
  one('domain', { aws: GOOD_AWS, auth0: { domain: input.domain, clientId: GOOD.clientId }, names: { poolName: GOOD.poolName } });
  one('clientId', { aws: GOOD_AWS, auth0: { domain: GOOD.domain, clientId: input.clientId }, names: { poolName: GOOD.poolName } });
  one('poolName', { aws: GOOD_AWS, auth0: { domain: GOOD.domain, clientId: GOOD.clientId }, names: { poolName: input.poolName } });
  if (input.roleName) one('roleName', { aws: GOOD_AWS, auth0: { domain: GOOD.domain, clientId: GOOD.clientId }, names: { poolName: GOOD.poolName, roleName: input.roleName } });
  const aws = names({ region: input.aws.region, profile: input.aws.profile, endpoint: input.aws.endpoint });
  const awsError = attempt({ aws, auth0: { domain: GOOD.domain, clientId: GOOD.clientId }, names: { poolName: GOOD.poolName } });
  if (!awsError && input.poolId) one('poolId', { aws, auth0: { domain: GOOD.domain, clientId: GOOD.clientId }, names: { poolName: GOOD.poolName, poolId: input.poolId } });
  const awsDescribed = awsError ? describeError(awsError) : undefined;
  if (Object.keys(fieldErrors).length || awsDescribed) {
    return { ok: false, fieldErrors, error: awsDescribed ? { message: awsDescribed.message, hint: awsDescribed.hint } : undefined };
  }
  const full = {
    aws,
    auth0: { domain: input.domain, clientId: input.clientId },
    names: names({ poolName: input.poolName, poolId: input.poolId, roleName: input.roleName }),
  };
  try {
    return { ok: true, config: validateSetupConfig(full) };
  } catch (e) {
    const d = describeError(e);
    return { ok: false, fieldErrors, error: { message: d.message, hint: d.hint } };
  }
}
