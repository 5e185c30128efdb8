/**
 * The AWS side of one operation (a fix, a setup step, a pool read): the config, the caller's
 * signal, the SDK module and clients per region (loaded on first use, so code that makes no AWS
 * call loads no SDK), and who the credentials are. Made here only (awsEnv); the fixes
 * (../fixes.ts) and the setup steps (../setup/core.ts) extend it with what only they need.
 */
import { isCancelled, withSignal } from '../errors';
import { loadAws, type AwsConfig, type AwsModule } from './config';
import { partitionOfArn } from './names';
import type { AwsClients, CallerIdentity } from './sdk';

export interface AwsEnv {
  awsConfig: AwsConfig;
  signal: AbortSignal | undefined;
  /** The AWS chunk (required on the first call). */
  aws(): AwsModule;
  /** Clients for `region` (default: the config's). */
  clients(region?: string): AwsClients;
  /** STS GetCallerIdentity of the configured credentials. */
  caller(): Promise<CallerIdentity>;
}

export interface AwsEnvOptions {
  signal?: AbortSignal | undefined;
  /** Reuse these clients when their region is the one asked for. */
  clients?: AwsClients | undefined;
  /** Makes clients for a config (e.g. a cache shared between runs); default: new clients, made once per region. */
  makeClients?: ((cfg: AwsConfig) => AwsClients) | undefined;
  /** The caller identity (e.g. memoised); default: one GetCallerIdentity per call. */
  caller?: (() => Promise<CallerIdentity>) | undefined;
}

export function awsEnv(awsConfig: AwsConfig, opts: AwsEnvOptions = {}): AwsEnv {
  const made = new Map<string, AwsClients>();
  const env: AwsEnv = {
    awsConfig,
    signal: opts.signal,
    aws: () => loadAws(),
    clients(region = awsConfig.region) {
      if (opts.clients && opts.clients.config.region === region) return opts.clients;
      if (opts.makeClients) return opts.makeClients(region === awsConfig.region ? awsConfig : { ...awsConfig, region });
      let c = made.get(region);
      if (!c) {
        c = loadAws().createAwsClients({ ...awsConfig, region });
        made.set(region, c);
      }
      return c;
    },
    caller: opts.caller ?? (() => loadAws().getCallerIdentity(env.clients(), opts.signal)),
  };
  return env;
}

/** 'arn:aws:iam::123456789012:' of the configured credentials (to show the ARN a create call will return). */
export async function iamArnPrefix(env: AwsEnv): Promise<string> {
  try {
    const who = await withSignal(env.caller(), env.signal);
    return `arn:${partitionOfArn(who.arn)}:iam::${who.account}:`;
  } catch (e) {
    if (isCancelled(e)) throw e;
    return 'arn:aws:iam::<your account id>:';
  }
}
