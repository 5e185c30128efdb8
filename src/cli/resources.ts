/**
 * `auth0-cognito resources [--json] [--strict]`: the Resources tree's engine from the command line,
 * for CI audits. Lists the account's IAM OIDC providers, the region's identity pools and the roles
 * that trust cognito-identity.amazonaws.com, each with findings (src/engine/resources/audit.ts).
 * Loaded by main.ts on demand (dist/chunks/cli-resources.js).
 *
 * Exit codes: 0 the listing succeeded (findings or not), 1 a list could not be read, or --strict
 * and an error finding, 2 usage error (unknown option, bad value, no region, unreadable --ca),
 * 130 interrupted (Ctrl+C).
 */
import { listAwsProfiles } from '../engine/aws/profiles';
import { validateAwsConfig, type AwsConfig } from '../engine/aws/config';
import { describeError, isCancelled } from '../engine/errors';
import { auditJson, auditResources, formatAuditText } from '../engine/resources/audit';
import { ResourceSession } from '../engine/resources/session';
import { loadCaFiles } from '../engine/trust';
import { EXIT, timeoutOption } from './common';
import { RESOURCES_USAGE, seeHelp } from './usage';

class UsageError extends Error {}

interface ResourcesArgs {
  json: boolean;
  strict: boolean;
  profile: string | undefined;
  region: string | undefined;
  endpoint: string | undefined;
  ca: string[];
  timeoutMs: number;
}

function parse(args: string[]): ResourcesArgs {
  const a: ResourcesArgs = { json: false, strict: false, profile: undefined, region: undefined, endpoint: undefined, ca: [], timeoutMs: 15_000 };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value.`);
      return v;
    };
    if (arg === '--json') a.json = true;
    else if (arg === '--strict') a.strict = true;
    else if (arg === '--profile') a.profile = value();
    else if (arg === '--region') a.region = value();
    else if (arg === '--endpoint') a.endpoint = value();
    else if (arg === '--ca') a.ca.push(value());
    else if (arg === '--timeout') a.timeoutMs = timeoutOption(value(), (m) => new UsageError(m));
    else if (arg.startsWith('-')) throw new UsageError(`Unknown option ${arg}.`);
    else throw new UsageError(`resources takes no argument (got "${arg.slice(0, 80)}").`);
  }
  return a;
}

/** The region: --region, AWS_REGION, AWS_DEFAULT_REGION, else the profile's region in the AWS config file. */
async function regionOf(a: ResourcesArgs, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const given = a.region ?? (env.AWS_REGION?.trim() || undefined) ?? (env.AWS_DEFAULT_REGION?.trim() || undefined);
  if (given) return given;
  const name = a.profile ?? (env.AWS_PROFILE?.trim() || 'default');
  return (await listAwsProfiles({ env })).find((p) => p.name === name)?.region;
}

/** Runs `resources`; returns the exit code. `args` are the arguments after "resources". */
export async function resourcesCommand(args: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream, signal: AbortSignal, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) {
    out.write(RESOURCES_USAGE);
    return EXIT.ok;
  }
  let a: ResourcesArgs;
  try {
    a = parse(args);
  } catch (e) {
    err.write(`${(e as Error).message}\n${seeHelp('resources')}\n`);
    return EXIT.usage;
  }
  const fail = (e: unknown): number => {
    const d = describeError(e);
    if (a.json) err.write(`${JSON.stringify({ error: { code: d.code, message: d.message, hint: d.hint } })}\n`);
    else err.write(`Error: ${d.message}${d.hint ? `\n${d.hint}` : ''}\n`);
    if (signal.aborted || isCancelled(e)) return EXIT.interrupted;
    return d.code === 'INVALID_INPUT' || d.code === 'CA_FILE' ? EXIT.usage : EXIT.failed;
  };
  let config: AwsConfig;
  try {
    const region = await regionOf(a, env);
    if (!region) {
      err.write(`No AWS region: give --region (or set AWS_REGION, or a region in the profile).\n${seeHelp('resources')}\n`);
      return EXIT.usage;
    }
    const extraCaPems = await loadCaFiles(a.ca);
    config = {
      region,
      profile: a.profile,
      endpoint: a.endpoint ?? (env.AWS_ENDPOINT_URL?.trim() || undefined),
      trust: { extraCaPems },
      timeoutMs: a.timeoutMs,
    };
    validateAwsConfig(config);
  } catch (e) {
    return fail(e);
  }
  try {
    const session = new ResourceSession(config);
    const audit = await auditResources(session, { signal, timeoutMs: a.timeoutMs });
    out.write(`${a.json ? auditJson(audit) : formatAuditText(audit)}\n`);
    if (signal.aborted) return EXIT.interrupted;
    return a.strict && audit.counts.error > 0 ? EXIT.failed : EXIT.ok;
  } catch (e) {
    return fail(e);
  }
}
