/**
 * `auth0-cognito setup --plan|--apply --config FILE [--json]`: the setup wizard's engine from the
 * command line (CI, scripts). `setup --export cloudformation|terraform|cli --config FILE [--out FILE]`
 * writes the same plan as code (../engine/export; reads only). The config file is a SetupConfig (JSON, no secrets). Management API
 * access comes from the environment: AUTH0_MGMT_TOKEN, or AUTH0_MGMT_CLIENT_ID and
 * AUTH0_MGMT_CLIENT_SECRET. AWS credentials: the profile in the config, else the default chain.
 *
 * Exit codes: 0 done (--plan: every step planned; --apply: every step applied; --export: written), 1 a step failed
 * (the step and the fix on stderr), 2 usage or config error, 130 interrupted (Ctrl+C).
 */
import * as fs from 'node:fs/promises';
import { readConfig, timeoutOption } from './common';
import type { ManagementCredentials } from '../engine/auth0/connection';
import { describeError, EngineError, isCancelled } from '../engine/errors';
import { maskJwts } from '../engine/setup/format';
import {
  applyAll,
  createSetupCache,
  formatInspection,
  formatOutcome,
  formatPlan,
  planAll,
  SETUP_STEPS,
  validateSetupConfig,
  type SetupContext,
} from '../engine/setup';
import { EXPORT_FORMATS, exportSetup, isExportFormat, type ExportFormat } from '../engine/export';
import { loadCaFiles } from '../engine/trust';
import { seeHelp, SETUP_USAGE } from './usage';

export { SETUP_USAGE };

/** What a usage error of setup prints after its one line. */
export const SETUP_SEE_HELP = seeHelp('setup');

export { MAX_CONFIG_BYTES, readConfig } from './common';

class UsageError extends Error {}

interface SetupArgs {
  mode: 'plan' | 'apply' | 'export';
  /** --export FORMAT */
  format: ExportFormat | undefined;
  /** --out FILE (--export only; stdout without it). */
  outFile: string | undefined;
  config: string;
  json: boolean;
  ca: string[];
  timeoutMs: number;
  idToken: string | undefined;
}

function parse(args: string[]): SetupArgs {
  let mode: SetupArgs['mode'] | undefined;
  let format: ExportFormat | undefined;
  let outFile: string | undefined;
  let config: string | undefined;
  let json = false;
  let idToken: string | undefined;
  let timeoutMs = 15_000;
  const ca: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value.`);
      return v;
    };
    if (a === '--plan' || a === '--apply' || a === '--export') {
      const m = a === '--plan' ? 'plan' : a === '--apply' ? 'apply' : 'export';
      if (mode && mode !== m) throw new UsageError('Give one of --plan, --apply or --export, not more.');
      mode = m;
      if (m === 'export') {
        const f = value();
        if (!isExportFormat(f)) throw new UsageError(`--export takes ${EXPORT_FORMATS.join(', ')}; not "${f.slice(0, 40).replace(/[^\x20-\x7e]/g, '?')}".`);
        format = f;
      }
    } else if (a === '--out') outFile = value();
    else if (a === '--config') config = value();
    else if (a === '--json') json = true;
    else if (a === '--ca') ca.push(value());
    else if (a === '--id-token') idToken = value();
    else if (a === '--timeout') timeoutMs = timeoutOption(value(), (m) => new UsageError(m));
    else throw new UsageError(`Unknown option ${a}.`);
  }
  if (!mode) throw new UsageError('Give --plan (show what would be done), --apply (do it) or --export FORMAT (write it as code).');
  if (!config) throw new UsageError('Give the setup config with --config FILE.');
  if (outFile !== undefined && mode !== 'export') throw new UsageError('--out goes with --export only.');
  return { mode, format, outFile, config, json, ca, timeoutMs, idToken };
}

/** Management API credentials from the environment (never from the config file). */
export function managementFromEnv(env: NodeJS.ProcessEnv = process.env): ManagementCredentials | undefined {
  const token = env.AUTH0_MGMT_TOKEN?.trim();
  const id = env.AUTH0_MGMT_CLIENT_ID?.trim();
  const secret = env.AUTH0_MGMT_CLIENT_SECRET?.trim();
  if (token) return { kind: 'token', token };
  if (id && secret) return { kind: 'clientCredentials', clientId: id, clientSecret: secret };
  if (id || secret) {
    throw new EngineError('INVALID_INPUT', `${id ? 'AUTH0_MGMT_CLIENT_SECRET' : 'AUTH0_MGMT_CLIENT_ID'} is not set.`,
      'Set both AUTH0_MGMT_CLIENT_ID and AUTH0_MGMT_CLIENT_SECRET (a machine-to-machine application), or AUTH0_MGMT_TOKEN.');
  }
  return undefined;
}

const titleOf = (id: string): string => SETUP_STEPS.find((s) => s.id === id)?.title ?? id;

/** Runs `setup`; returns the exit code. `args` are the arguments after "setup". */
export async function setupCommand(args: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream, signal: AbortSignal): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) {
    out.write(SETUP_USAGE);
    return 0;
  }
  let a: SetupArgs;
  try {
    a = parse(args);
  } catch (e) {
    err.write(`${(e as Error).message}\n${SETUP_SEE_HELP}\n`);
    return 2;
  }
  let ctx: SetupContext;
  try {
    const config = validateSetupConfig(await readConfig(a.config));
    if (!config.aws.endpoint && process.env.AWS_ENDPOINT_URL) config.aws.endpoint = process.env.AWS_ENDPOINT_URL;
    const extraCaPems = await loadCaFiles(a.ca);
    const idToken = a.idToken ?? process.env.AUTH0_ID_TOKEN;
    ctx = {
      config: validateSetupConfig(config),
      management: managementFromEnv(),
      trust: { extraCaPems },
      timeoutMs: a.timeoutMs,
      signal,
      cache: createSetupCache(),
      ...(idToken?.trim() ? { idToken: idToken.trim() } : {}),
    };
  } catch (e) {
    const d = describeError(e);
    if (a.json) err.write(`${JSON.stringify({ error: d })}\n`);
    else err.write(`Error: ${d.message}${d.hint ? `\n${d.hint}` : ''}\n`);
    if (signal.aborted || isCancelled(e)) return 130;
    return d.code === 'INVALID_INPUT' || d.code === 'CA_FILE' ? 2 : 1;
  }

  try {
    if (a.mode === 'export' && a.format) return await exportCommand(ctx, a.format, a, out, err, signal);
    if (a.mode === 'plan') {
      const r = await planAll(ctx);
      if (a.json) {
        out.write(`${maskJwts(JSON.stringify({ ok: r.ok, steps: r.reviews, outputs: r.outputs, failed: r.failed }, null, 2))}\n`);
      } else {
        for (const rv of r.reviews) {
          out.write(`${formatInspection(rv.inspection)}\n`);
          if (rv.plan) out.write(`${formatPlan(rv.plan, { title: false, indent: '  ' })}\n`);
          out.write('\n');
        }
      }
      if (!r.ok && r.failed) {
        if (!a.json) err.write(maskJwts(`Step "${r.failed.title}" cannot be planned: ${r.failed.message}\nFix: ${r.failed.hint}\n`));
        return signal.aborted ? 130 : 1;
      }
      if (!a.json) out.write('Nothing was changed. Run with --apply to make these calls.\n');
      return 0;
    }
    const r = await applyAll(ctx);
    if (a.json) {
      out.write(`${maskJwts(JSON.stringify({ ok: r.ok, writeCalls: r.writeCalls, outcomes: r.outcomes, outputs: r.outputs, failed: r.failed }, null, 2))}\n`);
    } else {
      for (const o of r.outcomes) out.write(`${formatOutcome(o, titleOf(o.step))}\n`);
      const o = r.outputs;
      const shown: Array<[string, string | undefined]> = [['Provider ARN', o.providerArn], ['Identity pool id', o.poolId], ['Authenticated role ARN', o.roleArn], ['Logins key', o.loginsKey]];
      out.write(`\n${shown.filter(([, v]) => v).map(([k, v]) => `${k}: ${v}`).join('\n')}\n`);
      out.write(`${r.ok ? 'Done' : 'Stopped'}: ${r.writeCalls} write call${r.writeCalls === 1 ? '' : 's'}.\n`);
    }
    if (!r.ok && r.failed) {
      if (!a.json) err.write(maskJwts(`Step "${r.failed.title}" failed: ${r.failed.message}\nFix: ${r.failed.hint}\n`));
      return signal.aborted ? 130 : 1;
    }
    return 0;
  } catch (e) {
    const d = describeError(e);
    if (a.json) err.write(`${JSON.stringify({ error: d })}\n`);
    else err.write(maskJwts(`Error: ${d.message}${d.hint ? `\n${d.hint}` : ''}\n`));
    return signal.aborted || isCancelled(e) ? 130 : 1;
  }
}

/** `setup --export FORMAT [--out FILE]`: the plan as code, on stdout or into FILE. Reads only. */
async function exportCommand(ctx: SetupContext, format: ExportFormat, a: SetupArgs, out: NodeJS.WritableStream, err: NodeJS.WritableStream, signal: AbortSignal): Promise<number> {
  const r = await exportSetup(ctx, format);
  if (a.outFile) {
    try {
      await fs.writeFile(a.outFile, r.text, { mode: format === 'cli' ? 0o755 : 0o644 });
    } catch (e) {
      err.write(`Error: cannot write ${a.outFile} (${(e as NodeJS.ErrnoException).code ?? 'error'}).\nCheck the path given with --out.\n`);
      return signal.aborted ? 130 : 1;
    }
  }
  const imports = Object.entries(r.imports);
  if (a.json) {
    out.write(`${JSON.stringify({ ok: true, format, file: a.outFile, imports: r.imports, ...(a.outFile ? {} : { text: r.text }) }, null, 2)}\n`);
  } else if (a.outFile) {
    out.write(`Wrote the setup as ${format === 'cli' ? 'an AWS CLI script' : format === 'terraform' ? 'Terraform' : 'a CloudFormation template'} to ${a.outFile}.\n`);
    if (format === 'terraform' && imports.length) out.write(`Import blocks for what exists already: ${imports.map(([to, id]) => `${to} = ${id}`).join('; ')}.\n`);
    out.write('Nothing was changed in AWS or Auth0.\n');
  } else {
    out.write(r.text);
  }
  return 0;
}
