/**
 * Types of the setup wizard's engine (issue 4): the guide's steps as a typed state machine that
 * the VS Code sidebar and the CLI render. No SDK is loaded by importing this file.
 */
import type { ManagementCredentials } from '../auth0/connection';
import type { AwsConfig } from '../aws/config';
import type { AwsClients } from '../aws/sdk';
import type { PrincipalTagsConfig } from '../aws/principalTags';
import type { RoleMappingConfig } from '../aws/roleMapping';
import type { ErrorCode } from '../errors';
import type { Outcome, Plan } from '../plan';
import type { TrustSettings } from '../trust';
import type { RunReads, SetupCache } from './cache';

/** The steps, in the guide's order ("snippets" is not a step: see snippets()). */
export const STEP_IDS = ['connections', 'auth0App', 'oidcProvider', 'identityPool', 'authenticatedRole', 'roleMappings', 'tryIt'] as const;
export type StepId = (typeof STEP_IDS)[number];

/** Plans of the sign-in helper (adding the loopback callback URL) use the same shapes. */
export type PlanId = StepId | 'callbackUrl';

/** What a setup plan is about: the step (or the callback URL) and the outputs once applied. */
export interface SetupSubject {
  kind: 'setup';
  step: PlanId;
  /** The outputs once applied (ARNs predicted from the account and names; a new pool's id is unknown). */
  outputs: SetupOutputs;
}

/** A setup step's plan: the one plan model (../plan) about a step. */
export type SetupPlan = Plan<SetupSubject>;

/**
 * What the wizard sets up. Saved in settings / a config file: never holds a secret (Management
 * API credentials are passed separately, see SetupContext.management).
 */
export interface SetupConfig {
  aws: {
    /** Named profile (shared config/credentials files, SSO included); default chain when absent. */
    profile?: string | undefined;
    region: string;
    /** IAM/Cognito/STS endpoint (LocalStack, moto); AWS when absent. */
    endpoint?: string | undefined;
  };
  auth0: {
    /** Tenant domain (TENANT.REGION.auth0.com) or custom domain; https:// and a trailing slash are tolerated. */
    domain: string;
    /** The Auth0 application's Client ID (the IAM provider's audience). */
    clientId: string;
  };
  names: {
    /** Identity pool name: found by name, or created with it. */
    poolName: string;
    /** Pick an existing pool by id (when several pools share the name). */
    poolId?: string | undefined;
    /**
     * Authenticated role: an existing role's name or ARN is adopted (after checking its trust
     * policy); a name that does not exist is created. Default: the role the pool already has, else
     * Cognito_<poolName>_Auth_Role.
     */
    roleName?: string | undefined;
  };
  /**
   * Optional (issue 13): roles by user. The role mapping of the Auth0 provider (the Logins key)
   * and its claim -> principal tag map; see ./roleMappings.ts. Absent: left as they are.
   */
  roles?: {
    mapping?: RoleMappingConfig | undefined;
    principalTags?: PrincipalTagsConfig | undefined;
  } | undefined;
}

/** Values the steps find or make; later steps and the snippets use them. */
export interface SetupOutputs {
  region?: string | undefined;
  accountId?: string | undefined;
  /** Who the AWS credentials are (STS GetCallerIdentity). */
  callerArn?: string | undefined;
  /** iss of the tenant's discovery document, e.g. https://tenant.auth0.com/ */
  issuer?: string | undefined;
  jwksUri?: string | undefined;
  /** The IAM provider URL: https://tenant.auth0.com (no trailing slash). */
  providerUrl?: string | undefined;
  /** The Logins key apps use: tenant.auth0.com */
  loginsKey?: string | undefined;
  /** Scopes of the Management API token, when known. */
  managementScopes?: string[] | undefined;
  /** jwt_configuration.alg of the application, when known. */
  signingAlg?: string | undefined;
  providerArn?: string | undefined;
  poolId?: string | undefined;
  roleArn?: string | undefined;
  /** Try it: */
  identityId?: string | undefined;
  credentialsExpiration?: string | undefined;
  accessKeyIdMasked?: string | undefined;
  /** STS GetCallerIdentity made with the temporary credentials. */
  temporaryCallerArn?: string | undefined;
}

export type StepStatus = 'not-started' | 'done' | 'needs-action' | 'error';

export interface StepProblem {
  /** error: the step cannot go on until it is fixed; warning: worth fixing, does not block. */
  severity: 'error' | 'warning';
  message: string;
  /** What to do about it. */
  hint: string;
  code?: ErrorCode | undefined;
}

export interface StepInspection {
  step: StepId;
  title: string;
  status: StepStatus;
  /** One sentence. */
  summary: string;
  /** What exists now, one sentence each. */
  found: string[];
  /** Key values to show and copy: ARNs, ids, URLs. */
  values: Record<string, string>;
  problems: StepProblem[];
  /** What later steps can use (only things that exist now). */
  outputs: SetupOutputs;
}

/** The result of "Try it": never holds the token or a secret. */
export interface TryItResult {
  identityId: string;
  /** ISO 8601. */
  expiration: string | undefined;
  accessKeyIdMasked: string;
  /** STS GetCallerIdentity with the temporary credentials. */
  callerArn: string | undefined;
  callerError?: string | undefined;
  loginsKey: string;
  /** The preflight's summary before the exchange. */
  preflight: string;
  notes: string[];
}

/** The one Outcome (../plan) of a setup plan, with the step and the outputs as they are now. */
export interface StepOutcome extends Outcome<SetupSubject> {
  step: PlanId;
  outputs: SetupOutputs;
  /** tryIt only. */
  result?: TryItResult | undefined;
}

export interface SetupContext {
  config: SetupConfig;
  /** Management API access (from SecretStorage / the environment), never part of the config. */
  management?: ManagementCredentials | undefined;
  /** Extra CA certificates for Auth0, the thumbprint and AWS. */
  trust?: TrustSettings | undefined;
  /** Per network call; default 15 s. */
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Explicit AWS credentials (tests, CI); otherwise the profile or the default chain. */
  awsCredentials?: AwsConfig['credentials'];
  /** Reuse these AWS clients (their region must be the config's). */
  clients?: AwsClients | undefined;
  /** Outputs of earlier steps (the *All helpers pass them along). */
  outputs?: SetupOutputs | undefined;
  /** An ID token for "Try it" (from signing in or pasted); also tells the Auth0 step the signing algorithm. */
  idToken?: string | undefined;
  /**
   * Reused between calls: AWS clients, the discovery document, the caller identity and the
   * Management API session (one token request, not one per step). createSetupCache(); optional.
   */
  cache?: SetupCache | undefined;
  /**
   * The reads of the current run (see RunReads): inspectAll / planAll / applyAll make a new one
   * per run; a step called alone reads afresh (one per build). Do not keep one between runs.
   */
  reads?: RunReads | undefined;
}

/** One step of the wizard. inspect never throws (but CANCELLED); plan and apply throw EngineErrors when the state cannot be read. */
export interface SetupStep {
  id: StepId;
  title: string;
  /** What the step is for, one or two sentences. */
  description: string;
  inspect(ctx: SetupContext): Promise<StepInspection>;
  plan(ctx: SetupContext): Promise<SetupPlan>;
  apply(ctx: SetupContext, plan: SetupPlan): Promise<StepOutcome>;
  /** inspect + plan from one read of the state (planAll, the CLI's --plan). */
  review(ctx: SetupContext): Promise<StepReview>;
}

export interface StepReview {
  inspection: StepInspection;
  /** Undefined when the step cannot be planned (see error). */
  plan: SetupPlan | undefined;
  error?: { code: ErrorCode; message: string; hint: string } | undefined;
}
