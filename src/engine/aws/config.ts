/**
 * The engine's door to AWS. This file is cheap to import: the SDK clients live in the
 * lazy chunk (./sdk.ts, bundled as dist/chunks/aws.js), loaded on first use with loadAws(), never at activation.
 */
import type * as AwsChunk from './sdk';
import { EngineError } from '../errors';
import type { TrustSettings } from '../trust';

export interface AwsConfig {
  region: string;
  /** Named profile from the shared config/credentials files; undefined = default chain (env, default profile, SSO, IMDS). */
  profile?: string | undefined;
  /** Custom endpoint for IAM, Cognito Identity and STS (LocalStack, moto, a proxy). */
  endpoint?: string | undefined;
  /** Explicit credentials (tests, CI); otherwise the profile or default chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined;
  trust?: TrustSettings | undefined;
  /**
   * Timeout of each AWS call, in ms (default 15 s): each attempt's connection, answer and idle
   * socket, and the whole call (credential lookup and retries included) end within it.
   */
  timeoutMs?: number | undefined;
}

export type AwsModule = typeof AwsChunk;

let chunk: AwsModule | undefined;

/** Loads the AWS SDK chunk (once). */
export function loadAws(): AwsModule {
  // A plain require so the bundler keeps it as a runtime load of dist/chunks/aws.js.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  chunk ??= require('./sdk') as AwsModule;
  return chunk;
}

export function isAwsLoaded(): boolean {
  return chunk !== undefined;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

export function validateAwsConfig(cfg: AwsConfig): void {
  if (!REGION.test(cfg.region)) {
    throw new EngineError('INVALID_INPUT', `"${cfg.region}" is not an AWS region name.`, 'Use a region such as us-east-1 or eu-west-1.');
  }
  if (cfg.endpoint) {
    let u: URL;
    try {
      u = new URL(cfg.endpoint);
    } catch {
      throw new EngineError('INVALID_INPUT', `The AWS endpoint "${cfg.endpoint}" is not a URL.`, 'Use a URL such as http://localhost:4566, or leave the setting empty for AWS.');
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      throw new EngineError('INVALID_INPUT', `The AWS endpoint "${cfg.endpoint}" must start with http:// or https://.`, 'Fix the AWS endpoint setting, or leave it empty for AWS.');
    }
  }
}
