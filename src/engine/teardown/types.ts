/**
 * Types of the teardown (issue 10): what a teardown plan is about and what it found. Importing
 * this file loads no SDK.
 */
import type { AwsConfig } from '../aws/config';
import type { AwsClients } from '../aws/sdk';
import type { Outcome, Plan } from '../plan';
import type { SetupCache } from '../setup/cache';
import type { SetupConfig } from '../setup/types';
import type { TrustSettings } from '../trust';

/** The kinds of resource a teardown looks at, in the order it removes them. */
export type TeardownResourceKind = 'identity pool' | 'IAM role' | 'IAM OIDC provider' | 'client ID';

/** One resource the teardown found, and what it does with it. */
export interface TeardownItem {
  kind: TeardownResourceKind;
  /** Pool id, role ARN, provider ARN, or "<provider ARN> <client ID>" for a client ID. */
  id: string;
  /** How plans name it: "auth0_pool (us-east-1:…)", the role's name, the provider's URL. */
  label: string;
  /** remove: the plan's calls remove it; keep: left alone (see why). */
  fate: 'remove' | 'keep';
  /** One sentence: why it is removed (tagged by this setup, named with --include) or kept. */
  why: string;
}

/** What a teardown plan is about (the `subject` of Plan): the setup, how it was named, and what was found. */
export interface TeardownSubject {
  kind: 'teardown';
  /** The setup's name: the value of the tag SETUP_TAG_KEY on what it made (undefined: an untagged pool named by id). */
  setupName: string | undefined;
  /** How the teardown was asked for: a setup config (CLI, wizard) or a tagged pool (the tree). */
  target: { by: 'config'; poolName: string; region: string } | { by: 'pool'; poolId: string; region: string };
  /** Resources the user named explicitly (--include): removed even without the tag. */
  include: string[];
  /** Everything found, removed or kept, in removal order. */
  items: TeardownItem[];
}

export type TeardownPlan = Plan<TeardownSubject>;
export type TeardownOutcome = Outcome<TeardownSubject>;

/** Options shared by both ways in. */
export interface TeardownOptions {
  /**
   * Pool ids, role names or ARNs, and provider ARNs the user names explicitly: removed even when
   * they are not tagged by this setup (they must still be among what the teardown finds).
   */
  include?: readonly string[] | undefined;
  /** How many DescribeIdentityPool calls at once when checking which pools use the provider (default 4). */
  concurrency?: number | undefined;
  /** Progress lines for a host's progress UI. */
  onProgress?: ((message: string) => void) | undefined;
}

/**
 * Teardown of the setup a config describes (CLI `teardown`, the wizard): the same fields as a
 * SetupContext (no Management API access: the teardown never calls it).
 */
export interface TeardownContext extends TeardownOptions {
  config: SetupConfig;
  trust?: TrustSettings | undefined;
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  awsCredentials?: AwsConfig['credentials'];
  clients?: AwsClients | undefined;
  /** Reused between calls (AWS clients, the discovery document). Optional. */
  cache?: SetupCache | undefined;
}

/**
 * Teardown of the setup that made a tagged identity pool (the Resources tree): the pool, its
 * roles, and its OIDC providers tagged with the pool's setup name.
 */
export interface PoolTeardownContext extends TeardownOptions {
  poolId: string;
  /** The AWS connection (its region is the pool's). */
  aws: AwsConfig;
  clients?: AwsClients | undefined;
  signal?: AbortSignal | undefined;
  /**
   * The Auth0 application's client ID, when known: removed from a provider that other client IDs
   * keep. Without it, a provider with several client IDs is left alone (which one the setup added
   * cannot be told from the pool).
   */
  clientId?: string | undefined;
}
