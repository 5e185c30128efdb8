/**
 * The two stand-ins together for a mocha suite: the local Auth0-like tenant and moto, with SDK
 * clients on moto for the test's own setup, and the engine's AWS clients whose requests are
 * recorded in `sent`.
 *
 *   const standins = useStandins();
 *   let tenant: Tenant; ...
 *   before(() => ({ tenant, moto, iam, ci, aws, trust, clients } = standins));
 *
 * useStandins() registers, in the calling describe: before (install moto if needed, start both,
 * make the clients), after (destroy the clients, stop both), beforeEach (moto.reset(), empty
 * `sent`) and afterEach (print moto's log tail when the test failed). Its hooks are registered
 * first, so they run before the suite's own before/beforeEach hooks; the returned object is
 * filled in its before hook (read it from hooks and tests, not at describe time).
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { loadAws, type AwsConfig } from '../../src/engine/aws/config';
import type { AwsClients } from '../../src/engine/aws/sdk';
import type { TrustSettings } from '../../src/engine/trust';
import { recordRequests, type SentRequest } from '../helpers/awsCalls';
import { awsClientConfig, findOrInstallMoto, startMoto, type Moto } from './moto';
import { startTenant, type Tenant } from './tenant';

export interface StandinsOptions {
  /** Put `trust` into `aws` as well (AwsConfig.trust). Default false. */
  awsTrust?: boolean;
  /** Wraps each request of the engine's clients (read at each request), as recordRequests' `around`. */
  around?: () => ((s: SentRequest, send: () => Promise<unknown>) => Promise<unknown>) | undefined;
}

export interface Standins {
  tenant: Tenant;
  moto: Moto;
  /** SDK clients on moto, for a test's own setup and checks (not recorded). */
  iam: IAMClient;
  ci: CognitoIdentityClient;
  /** The engine's AwsConfig for moto (timeoutMs 10 s). */
  aws: AwsConfig;
  /** Trusts the tenant's root CA. */
  trust: TrustSettings;
  /** The engine's clients from `aws`; every request they send is recorded in `sent`. */
  clients: AwsClients;
  /** Every request the engine's clients sent, in order (emptied before each test). */
  sent: SentRequest[];
}

export function useStandins(options: StandinsOptions = {}): Standins {
  const sent: SentRequest[] = [];
  // Filled by the before hook below; nothing reads it earlier.
  const s = { sent } as Standins;

  before(async function () {
    this.timeout(15 * 60_000); // a first run installs moto
    await findOrInstallMoto();
    [s.tenant, s.moto] = await Promise.all([startTenant(), startMoto()]);
    const cfg = awsClientConfig(s.moto);
    s.iam = new IAMClient(cfg);
    s.ci = new CognitoIdentityClient(cfg);
    s.trust = { extraCaPems: [s.tenant.caPem] };
    s.aws = { region: s.moto.region, endpoint: s.moto.endpoint, credentials: s.moto.credentials, timeoutMs: 10_000, ...(options.awsTrust ? { trust: s.trust } : {}) };
    s.clients = loadAws().createAwsClients(s.aws);
    recordRequests(s.clients, sent, options.around);
  });

  after(async () => {
    s.iam?.destroy();
    s.ci?.destroy();
    await Promise.all([s.tenant?.stop(), s.moto?.stop()]);
  });

  beforeEach(async () => {
    await s.moto.reset();
    sent.length = 0;
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') process.stderr.write(`--- moto log tail ---\n${s.moto.logTail(2000)}\n`);
  });

  return s;
}
