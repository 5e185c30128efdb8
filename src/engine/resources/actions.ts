/**
 * The actions of the resources tree: add a client ID, update thumbprints, delete a provider, a
 * pool or a role. Plan first (reads only: the exact write calls, what changes, warnings), then
 * apply with ../plan's applyPlanned. Adding a client ID is the preflight's own fix (../fixes.ts).
 */
import { providerName, providerNameFromArn } from '../aws/names';
import type { IdentityPoolConfig, OidcProviderDetails, RoleDetails } from '../aws/sdk';
import { EngineError, cancelledError, isNotFound } from '../errors';
import { applyFix, planFix } from '../fixes';
import { listText } from '../format';
import { applyPlanned, planCall, type Outcome, type Plan, type PlanCall, type PlanChange, type PlanStep } from '../plan';
import type { FixAction } from '../token/preflight';
import { allPages } from './paging';
import type { PoolDetails, ResourceSession, ThumbprintCheck } from './session';
import { analyzeCognitoTrust } from './trust';

export type ResourceAction =
  | { kind: 'addClientId'; providerArn: string; clientId: string }
  | { kind: 'updateThumbprint'; providerArn: string }
  | { kind: 'deleteProvider'; providerArn: string }
  | { kind: 'deletePool'; poolId: string }
  | { kind: 'deleteRole'; roleName: string };

/** What a resource plan is about: the action and the resource, named for a confirmation. */
export interface ResourceSubject {
  kind: 'resource';
  action: ResourceAction;
  /** The resource the action is about, named for a confirmation ("the IAM OIDC provider tenant.auth0.com"). */
  resource: string;
}

export interface PlanOptions {
  signal?: AbortSignal | undefined;
  /** deleteProvider: how many identity pools of the region to check for the provider (default 100; 0: none). */
  poolScanLimit?: number;
  onProgress?: (message: string) => void;
}

type Step = PlanStep;

interface Built {
  plan: Plan<ResourceSubject>;
  steps: Step[];
}

const TITLES: Record<ResourceAction['kind'], string> = {
  addClientId: 'Add a client ID to the IAM OIDC provider',
  updateThumbprint: 'Update the thumbprints of the IAM OIDC provider',
  deleteProvider: 'Delete the IAM OIDC provider',
  deletePool: 'Delete the identity pool',
  deleteRole: 'Delete the IAM role',
};

function built(action: ResourceAction, resource: string, p: { summary: string; alreadyDone: boolean; changes?: PlanChange[]; warnings?: string[] }, steps: Step[] = []): Built {
  return {
    plan: {
      subject: { kind: 'resource', action, resource },
      title: TITLES[action.kind],
      summary: p.summary,
      changes: p.alreadyDone ? [] : (p.changes ?? []),
      calls: p.alreadyDone ? [] : steps.map((s) => s.call),
      preconditions: [],
      alreadyDone: p.alreadyDone,
      warnings: p.warnings ?? [],
    },
    steps: p.alreadyDone ? [] : steps,
  };
}

function iamCall(action: string, params: Record<string, unknown>): PlanCall {
  return planCall('iam', action, params);
}

function providerLabel(arn: string, url?: string): string {
  return `the IAM OIDC provider ${providerName(url || providerNameFromArn(arn) || arn)}`;
}

async function planUpdateThumbprint(s: ResourceSession, action: Extract<ResourceAction, { kind: 'updateThumbprint' }>, o: PlanOptions): Promise<Built> {
  const arn = action.providerArn;
  let check: ThumbprintCheck;
  try {
    check = await s.checkThumbprint(arn, o.signal);
  } catch (e) {
    if (isNotFound(e)) throw new EngineError('AWS', `The IAM OIDC provider ${arn} does not exist (it may have been deleted).`, 'Refresh the resources view.');
    throw e;
  }
  const label = providerLabel(arn, check.target);
  if (check.status === 'current') {
    return built(action, label, { alreadyDone: true, summary: `${label[0]?.toUpperCase()}${label.slice(1)} already lists the current thumbprint of ${check.target} (${check.current}).` });
  }
  const kept = [...new Set(check.listed)].filter((t) => t !== check.current);
  const dropped = kept.length >= 5 ? kept.slice(0, kept.length - 4) : [];
  const list = [...kept.slice(-4), check.current];
  const warnings = dropped.length ? [`IAM keeps at most 5 thumbprints: the oldest, ${dropped.join(', ')}, ${dropped.length > 1 ? 'are' : 'is'} dropped.`] : [];
  if (check.status === 'empty') warnings.push('The provider has no thumbprints now, so IAM validates the host through its trusted root CAs; with a list, the list is the fallback when that is not possible.');
  const step: Step = {
    call: iamCall('UpdateOpenIDConnectProviderThumbprint', { OpenIDConnectProviderArn: arn, ThumbprintList: list }),
    pending: `Set the thumbprints of ${label} to ${list.join(', ')}.`,
    async run() {
      await s.call('UpdateOpenIDConnectProviderThumbprint', o.signal, (c) => s.aws.updateOidcProviderThumbprints(c, arn, list, o.signal));
      s.forget(arn);
      return `Set the thumbprints of ${label} to ${list.join(', ')}.`;
    },
  };
  return built(action, label, {
    alreadyDone: false,
    summary: `Add the current thumbprint of ${check.target} (${check.current}) to ${label}${dropped.length ? ', dropping the oldest' : ', keeping the others'}.`,
    changes: [{ what: `Thumbprints of ${label}`, from: listText(check.listed), to: listText(list) }],
    warnings,
  }, [step]);
}

async function planDeleteProvider(s: ResourceSession, action: Extract<ResourceAction, { kind: 'deleteProvider' }>, o: PlanOptions, forApply: boolean): Promise<Built> {
  const arn = action.providerArn;
  let p: OidcProviderDetails;
  try {
    p = await s.providerDetails(arn, o.signal, true);
  } catch (e) {
    if (isNotFound(e)) return built(action, providerLabel(arn), { alreadyDone: true, summary: `${arn} does not exist (already deleted).` });
    throw e;
  }
  const label = providerLabel(arn, p.url);
  const warnings: string[] = [];
  const limit = o.poolScanLimit ?? 100;
  if (!forApply && limit > 0) {
    // Which identity pools of this region list the provider: they stop accepting its tokens.
    o.onProgress?.('Checking which identity pools use the provider…');
    const lister = s.newPoolLister();
    const pools = await lister.all(o.signal, limit);
    const ids = pools.slice(0, limit).map((x) => x.id);
    const described = await s.describePools(ids, o.signal, (n, total) => o.onProgress?.(`Checking identity pools (${n}/${total})…`));
    const users = ids.filter((id) => {
      const d = described.get(id);
      return d && !('error' in d) && d.openIdConnectProviderArns.includes(arn);
    }).map((id) => {
      const d = described.get(id) as IdentityPoolConfig;
      return d.poolName ? `${d.poolName} (${id})` : id;
    });
    const unread = ids.filter((id) => { const d = described.get(id); return !d || 'error' in d; }).length;
    if (users.length) {
      warnings.push(`${users.length === 1 ? 'The identity pool' : `${users.length} identity pools`} ${users.join(', ')} list${users.length === 1 ? 's' : ''} this provider: after the delete Cognito rejects its tokens there ("Token is not from a supported provider of this identity pool") until it is created again.`);
    }
    const more = pools.length > limit || !lister.done;
    const notes = [
      more ? `only the first ${ids.length} identity pools of ${s.region} were checked` : `all ${ids.length} identity pools of ${s.region} were checked`,
      unread ? `${unread} could not be read` : '',
      'pools in other regions were not checked (IAM providers are global)',
    ].filter(Boolean);
    warnings.push(`${notes.join('; ')}.`.replace(/^./, (c) => c.toUpperCase()));
  }
  warnings.push('Roles whose trust policy names this provider directly (sts:AssumeRoleWithWebIdentity without Cognito) stop working too.');
  const step: Step = {
    call: iamCall('DeleteOpenIDConnectProvider', { OpenIDConnectProviderArn: arn }),
    pending: `Delete ${label}.`,
    async run() {
      await s.call('DeleteOpenIDConnectProvider', o.signal, (c) => s.aws.deleteOidcProvider(c, arn, o.signal));
      s.forget(arn);
      return `Deleted ${label} (${arn}).`;
    },
  };
  return built(action, label, {
    alreadyDone: false,
    summary: `Delete ${label} (${arn}).`,
    changes: [{ what: label.replace(/^t/, 'T'), from: `${arn}: client IDs ${listText(p.clientIds)}; thumbprints ${listText(p.thumbprints)}`, to: '(deleted)' }],
    warnings,
  }, [step]);
}

async function planDeletePool(s: ResourceSession, action: Extract<ResourceAction, { kind: 'deletePool' }>, o: PlanOptions): Promise<Built> {
  const id = action.poolId;
  let d: PoolDetails;
  try {
    d = await s.poolDetails(id, o.signal, true);
  } catch (e) {
    if (isNotFound(e)) return built(action, `the identity pool ${id}`, { alreadyDone: true, summary: `The identity pool ${id} does not exist (already deleted).` });
    throw e;
  }
  const label = `the identity pool ${d.pool.poolName ? `${d.pool.poolName} (${id})` : id}`;
  const roles = Object.entries(d.roles?.roles ?? {}).map(([k, v]) => `${k}: ${v}`);
  const warnings = [
    'Every identity in the pool is deleted with it; apps that use the pool stop getting AWS credentials.',
    roles.length ? `Its roles stay in IAM (${roles.join('; ')}): delete them separately if nothing else uses them.` : '',
    d.rolesError ? `Its roles could not be read (${d.rolesError}).` : '',
  ].filter(Boolean);
  const step: Step = {
    call: planCall('cognito-identity', 'DeleteIdentityPool', { IdentityPoolId: id }),
    pending: `Delete ${label}.`,
    async run() {
      await s.call('DeleteIdentityPool', o.signal, (c) => s.aws.deleteIdentityPool(c, id, o.signal));
      s.forget(id);
      return `Deleted ${label}.`;
    },
  };
  return built(action, label, {
    alreadyDone: false,
    summary: `Delete ${label} in ${s.region}.`,
    changes: [{
      what: label.replace(/^t/, 'T'),
      from: `providers ${listText(d.pool.openIdConnectProviderArns)}; guest access ${d.pool.allowUnauthenticated ? 'on' : 'off'}; roles ${listText(roles)}`,
      to: '(deleted)',
    }],
    warnings,
  }, [step]);
}

async function planDeleteRole(s: ResourceSession, action: Extract<ResourceAction, { kind: 'deleteRole' }>, o: PlanOptions): Promise<Built> {
  const name = action.roleName;
  let role: RoleDetails;
  try {
    role = await s.roleDetails(name, o.signal, true);
  } catch (e) {
    if (isNotFound(e)) return built(action, `the IAM role ${name}`, { alreadyDone: true, summary: `The IAM role ${name} does not exist (already deleted).` });
    throw e;
  }
  const label = `the IAM role ${name}`;
  const sig = o.signal;
  // IAM refuses DeleteRole (DeleteConflict) while the role is in an instance profile or has policies.
  const [profiles, inline, attached] = await Promise.all([
    allPages((m) => s.call('ListInstanceProfilesForRole', sig, (c) => s.aws.listInstanceProfilesForRolePage(c, name, m, sig)).then((r) => ({ items: r.names, marker: r.marker }))),
    allPages((m) => s.call('ListRolePolicies', sig, (c) => s.aws.listRolePolicyNamesPage(c, name, m, sig)).then((r) => ({ items: r.names, marker: r.marker }))),
    allPages((m) => s.call('ListAttachedRolePolicies', sig, (c) => s.aws.listAttachedRolePoliciesPage(c, name, m, sig)).then((r) => ({ items: r.policies, marker: r.marker }))),
  ]);
  const steps: Step[] = [];
  for (const ip of profiles) {
    steps.push({
      call: iamCall('RemoveRoleFromInstanceProfile', { InstanceProfileName: ip, RoleName: name }),
      pending: `Remove ${label} from the instance profile ${ip}.`,
      async run() {
        await s.call('RemoveRoleFromInstanceProfile', sig, (c) => s.aws.removeRoleFromInstanceProfile(c, name, ip, sig));
        return `Removed ${label} from the instance profile ${ip}.`;
      },
    });
  }
  for (const policy of inline) {
    steps.push({
      call: iamCall('DeleteRolePolicy', { RoleName: name, PolicyName: policy }),
      pending: `Delete the inline policy ${policy} of ${label}.`,
      async run() {
        await s.call('DeleteRolePolicy', sig, (c) => s.aws.deleteRolePolicy(c, name, policy, sig));
        return `Deleted the inline policy ${policy} of ${label}.`;
      },
    });
  }
  for (const p of attached) {
    steps.push({
      call: iamCall('DetachRolePolicy', { RoleName: name, PolicyArn: p.arn }),
      pending: `Detach the managed policy ${p.name} from ${label}.`,
      async run() {
        await s.call('DetachRolePolicy', sig, (c) => s.aws.detachRolePolicy(c, name, p.arn, sig));
        return `Detached the managed policy ${p.name} (${p.arn}) from ${label}.`;
      },
    });
  }
  steps.push({
    call: iamCall('DeleteRole', { RoleName: name }),
    pending: `Delete ${label}.`,
    async run() {
      await s.call('DeleteRole', sig, (c) => s.aws.deleteRole(c, name, sig));
      s.forget(name);
      return `Deleted ${label} (${role.arn}).`;
    },
  });
  const trust = analyzeCognitoTrust(role.assumeRolePolicyDocument);
  const warnings: string[] = [];
  if (inline.length) warnings.push(`The inline polic${inline.length > 1 ? 'ies' : 'y'} ${inline.join(', ')} ${inline.length > 1 ? 'are' : 'is'} deleted for good (${inline.length > 1 ? 'they exist' : 'it exists'} only in this role).`);
  if (attached.length) warnings.push(`The managed polic${attached.length > 1 ? 'ies' : 'y'} ${attached.map((p) => p.name).join(', ')} ${attached.length > 1 ? 'are' : 'is'} only detached; ${attached.length > 1 ? 'they stay' : 'it stays'} in IAM.`);
  if (profiles.length) warnings.push(`The instance profile${profiles.length > 1 ? 's' : ''} ${profiles.join(', ')} ${profiles.length > 1 ? 'stay' : 'stays'}, without a role: instances using ${profiles.length > 1 ? 'them' : 'it'} lose these permissions.`);
  if (trust?.audPools.length) {
    warnings.push(`Its trust policy names the identity pool${trust.audPools.length > 1 ? 's' : ''} ${trust.audPools.join(', ')}: if this is a role of ${trust.audPools.length > 1 ? 'those pools' : 'that pool'}, Cognito answers "Invalid identity pool configuration. Check assigned IAM roles for this pool." until another role is set.`);
  }
  const detach = steps.length - 1;
  return built(action, label, {
    alreadyDone: false,
    summary: detach
      ? `Delete ${label} (${role.arn}): first ${[profiles.length ? `remove it from ${profiles.length} instance profile${profiles.length > 1 ? 's' : ''}` : '', inline.length ? `delete ${inline.length} inline polic${inline.length > 1 ? 'ies' : 'y'}` : '', attached.length ? `detach ${attached.length} managed polic${attached.length > 1 ? 'ies' : 'y'}` : ''].filter(Boolean).join(', ')}, as IAM requires, then delete the role.`
      : `Delete ${label} (${role.arn}); it has no policies and is in no instance profile.`,
    changes: [{ what: label.replace(/^t/, 'T'), from: `${role.arn}; trust: ${trust?.summary ?? 'not Cognito'}; inline policies ${listText(inline)}; managed policies ${listText(attached.map((p) => p.name))}`, to: '(deleted)' }],
    warnings,
  }, steps);
}

function toFixAction(a: Extract<ResourceAction, { kind: 'addClientId' }>): FixAction {
  return { kind: 'addClientIdToProvider', providerArn: a.providerArn, clientId: a.clientId.trim() };
}

async function build(action: ResourceAction, s: ResourceSession, o: PlanOptions, forApply: boolean): Promise<Built> {
  if (o.signal?.aborted) throw cancelledError();
  switch (action.kind) {
    case 'updateThumbprint':
      return planUpdateThumbprint(s, action, o);
    case 'deleteProvider':
      return planDeleteProvider(s, action, o, forApply);
    case 'deletePool':
      return planDeletePool(s, action, o);
    case 'deleteRole':
      return planDeleteRole(s, action, o);
    case 'addClientId':
      throw new EngineError('INTERNAL', 'addClientId is planned by planFix.', 'Please report this with the log output.');
    default: {
      const never: never = action;
      throw new EngineError('INVALID_INPUT', `Unknown action ${JSON.stringify(never)}.`, 'Please report this with the log output.');
    }
  }
}

/**
 * Plans an action: reads the current state (no writes) and returns the exact write calls, what
 * changes, and warnings. Adding a client ID is the preflight's own fix (../fixes.ts), reused.
 */
export async function planResourceAction(action: ResourceAction, s: ResourceSession, o: PlanOptions = {}): Promise<Plan<ResourceSubject>> {
  if (action.kind === 'addClientId') {
    const { subject: _fix, ...rest } = await planFix(toFixAction(action), { aws: s.config, clients: s.clients, signal: o.signal });
    return { ...rest, subject: { kind: 'resource', action, resource: providerLabel(action.providerArn) } };
  }
  return (await build(action, s, o, false)).plan;
}

/**
 * Applies a plan with ../plan's applyPlanned: plans again (reads only); already done -> nothing;
 * other calls needed than planned -> nothing, and the new plan (with the checks a shown plan
 * has) comes back; otherwise the planned calls in order, stopping at the first failure.
 */
export async function applyResourceAction(planned: Plan<ResourceSubject>, s: ResourceSession, o: PlanOptions = {}): Promise<Outcome<ResourceSubject>> {
  const { action, resource } = planned.subject;
  if (action.kind === 'addClientId') {
    const { subject: _s, ...rest } = planned;
    const r = await applyFix({ ...rest, subject: { kind: 'fix', fix: toFixAction(action) } }, { aws: s.config, clients: s.clients, signal: o.signal });
    s.forget(action.providerArn);
    const { newPlan, ...out } = r;
    if (!newPlan) return out;
    const { subject: _f, ...np } = newPlan;
    return { ...out, newPlan: { ...np, subject: { kind: 'resource', action, resource } } };
  }
  return applyPlanned(planned, () => build(action, s, o, true), {
    signal: o.signal,
    unit: 'step',
    retry: 'Planning again',
    planToShow: async () => (await build(action, s, o, false)).plan,
  });
}
