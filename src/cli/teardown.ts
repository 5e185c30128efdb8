/**
 * `auth0-cognito teardown --plan|--apply --config FILE [--include ID]... [--json]`: removes what
 * `setup --apply` made for the same config (../engine/teardown): the pool's roles and the pool,
 * the role's policy and the role, the Auth0 application's client ID from the IAM OIDC provider or
 * the provider itself. Only what carries this setup's tag, or what --include names. Makes no
 * Auth0 Management API call (the application stays on RS256; the plan says why).
 *
 * Exit codes: 0 done (--plan: planned; --apply: everything planned removed, or nothing left),
 * 1 a call failed (what was done and what was not on stderr), 2 usage or config error,
 * 130 interrupted (Ctrl+C).
 */
import { describeError, isCancelled } from '../engine/errors';
import { planJson } from '../engine/plan';
import { createSetupCache } from '../engine/setup/cache';
import { validateSetupConfig } from '../engine/setup/core';
import { maskJwts } from '../engine/plan/format';
import {
  applyTeardown,
  formatTeardownOutcome,
  formatTeardownPlan,
  planTeardown,
  validateIncludes,
  type TeardownContext,
  type TeardownPlan,
} from '../engine/teardown';
import { loadCaFiles } from '../engine/trust';
import { EXIT, readConfig, timeoutOption } from './common';
import { seeHelp, TEARDOWN_USAGE } from './usage';

export { TEARDOWN_USAGE };

class UsageError extends Error {}

interface TeardownArgs {
  mode: 'plan' | 'apply';
  config: string;
  include: string[];
  json: boolean;
  ca: string[];
  timeoutMs: number;
}

/** The most --include values (a teardown names a handful of resources). */
const MAX_INCLUDES = 50;

function parse(args: string[]): TeardownArgs {
  let mode: TeardownArgs['mode'] | undefined;
  let config: string | undefined;
  let json = false;
  let timeoutMs = 15_000;
  const ca: string[] = [];
  const include: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value.`);
      return v;
    };
    if (a === '--plan' || a === '--apply') {
      const m = a === '--plan' ? 'plan' : 'apply';
      if (mode && mode !== m) throw new UsageError('Give either --plan or --apply, not both.');
      mode = m;
    } else if (a === '--config') config = value();
    else if (a === '--include') include.push(value());
    else if (a === '--json') json = true;
    else if (a === '--ca') ca.push(value());
    else if (a === '--timeout') timeoutMs = timeoutOption(value(), (m) => new UsageError(m));
    else throw new UsageError(`Unknown option ${a.slice(0, 80)}.`);
  }
  if (!mode) throw new UsageError('Give --plan (show what would be removed) or --apply (remove it).');
  if (!config) throw new UsageError('Give the setup config with --config FILE (the same file as for setup).');
  if (include.length > MAX_INCLUDES) throw new UsageError(`At most ${MAX_INCLUDES} --include values.`);
  return { mode, config, include, json, ca, timeoutMs };
}

function writeError(err: NodeJS.WritableStream, json: boolean, e: unknown): void {
  const d = describeError(e);
  if (json) err.write(`${JSON.stringify({ error: d })}\n`);
  else err.write(maskJwts(`Error: ${d.message}${d.hint ? `\n${d.hint}` : ''}\n`));
}

/** Runs `teardown`; returns the exit code. `args` are the arguments after "teardown". */
export async function teardownCommand(args: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream, signal: AbortSignal): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) {
    out.write(TEARDOWN_USAGE);
    return EXIT.ok;
  }
  let a: TeardownArgs;
  try {
    a = parse(args);
  } catch (e) {
    err.write(`${(e as Error).message}\n${seeHelp('teardown')}\n`);
    return EXIT.usage;
  }
  let ctx: TeardownContext;
  try {
    const config = validateSetupConfig(await readConfig(a.config));
    if (!config.aws.endpoint && process.env.AWS_ENDPOINT_URL) config.aws.endpoint = process.env.AWS_ENDPOINT_URL;
    ctx = {
      config: validateSetupConfig(config),
      include: validateIncludes(a.include),
      trust: { extraCaPems: await loadCaFiles(a.ca) },
      timeoutMs: a.timeoutMs,
      signal,
      cache: createSetupCache(),
    };
  } catch (e) {
    writeError(err, a.json, e);
    if (signal.aborted || isCancelled(e)) return EXIT.interrupted;
    const code = describeError(e).code;
    return code === 'INVALID_INPUT' || code === 'CA_FILE' ? EXIT.usage : EXIT.failed;
  }

  try {
    let plan: TeardownPlan = await planTeardown(ctx);
    if (a.mode === 'plan') {
      if (a.json) out.write(`${maskJwts(JSON.stringify({ ok: true, plan: planJson(plan) }, null, 2))}\n`);
      else out.write(`${formatTeardownPlan(plan)}\n\n${plan.alreadyDone ? 'Nothing was changed.' : 'Nothing was changed. Run with --apply to make these calls.'}\n`);
      return EXIT.ok;
    }
    if (!a.json) out.write(`${formatTeardownPlan(plan)}\n\n`);
    let outcome = await applyTeardown(ctx, plan);
    // The state moved between this run's own plan and its apply (someone else changed it): plan
    // once more and apply that; a second change is reported, not chased.
    if (outcome.newPlan) {
      plan = outcome.newPlan;
      if (!a.json) out.write(`The state changed while planning; the new plan:\n${formatTeardownPlan(plan)}\n\n`);
      outcome = await applyTeardown(ctx, plan);
    }
    if (a.json) {
      const { newPlan, ...rest } = outcome;
      out.write(`${maskJwts(JSON.stringify({ ok: outcome.ok, writeCalls: outcome.writeCalls, plan: planJson(plan), outcome: rest, ...(newPlan ? { newPlan: planJson(newPlan) } : {}) }, null, 2))}\n`);
    } else {
      out.write(`${formatTeardownOutcome(outcome)}\n${outcome.ok ? 'Done' : 'Stopped'}: ${outcome.writeCalls} write call${outcome.writeCalls === 1 ? '' : 's'}.\n`);
    }
    if (!outcome.ok) {
      if (!a.json) err.write(maskJwts(`Teardown stopped: ${outcome.message}\n`));
      return signal.aborted || outcome.error?.code === 'CANCELLED' ? EXIT.interrupted : EXIT.failed;
    }
    return EXIT.ok;
  } catch (e) {
    writeError(err, a.json, e);
    return signal.aborted || isCancelled(e) ? EXIT.interrupted : EXIT.failed;
  }
}
