/**
 * Benchmark: `setup --apply` (the CLI's setupCommand, in process) against a fresh moto and the
 * local Auth0-like tenant, twice: from nothing, then again with nothing to do. Prints the AWS
 * calls by action (counted on the wire by a middleware on every client the run creates), the
 * Auth0 writes, and the wall time of each. Prints numbers; asserts nothing
 * (test/integration/engine/setup/callCounts.test.ts pins the counts).
 *
 *   npx tsx scripts/bench-setup.ts
 *
 * moto answers in a few milliseconds; real AWS adds ~50-150 ms per call, so multiply the calls by
 * that to estimate the wait against AWS.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { setupCommand } from '../src/cli/setup';
import type { AwsConfig } from '../src/engine/aws/config';
import type { AwsClients } from '../src/engine/aws/sdk';
import { SetupCache } from '../src/engine/setup';
import { isWrite, recordRequests, type SentRequest } from '../test/helpers/awsCalls';
import { startMoto } from '../test/standins/moto';
import { startTenant } from '../test/standins/tenant';

function byAction(sent: readonly SentRequest[]): string {
  const counts = new Map<string, number>();
  for (const s of sent) counts.set(s.action, (counts.get(s.action) ?? 0) + 1);
  return [...counts].map(([k, v]) => `${k} ${v}`).join(', ');
}

async function main(): Promise<void> {
  const [tenant, moto] = await Promise.all([startTenant(), startMoto()]);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-setup-'));
  const sent: SentRequest[] = [];
  // Every client a run's SetupCache creates records its requests (the CLI makes its own cache).
  const original = SetupCache.prototype.clients;
  SetupCache.prototype.clients = function (this: SetupCache, cfg: AwsConfig): AwsClients {
    const c = original.call(this, cfg);
    const marked = c as AwsClients & { benchRecorded?: boolean };
    if (!marked.benchRecorded) {
      recordRequests(c, sent);
      marked.benchRecorded = true;
    }
    return c;
  };
  const saved = { ...process.env };
  try {
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: moto.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: moto.credentials.secretAccessKey,
      AWS_ENDPOINT_URL: moto.endpoint,
      AUTH0_MGMT_CLIENT_ID: tenant.mgmt.clientId,
      AUTH0_MGMT_CLIENT_SECRET: tenant.mgmt.clientSecret,
    });
    delete process.env.AWS_PROFILE;
    delete process.env.AUTH0_MGMT_TOKEN;
    const file = path.join(dir, 'setup.json');
    await fs.writeFile(file, JSON.stringify({ aws: { region: moto.region }, auth0: { domain: tenant.domain, clientId: tenant.app.client_id }, names: { poolName: 'auth0_pool' } }));
    tenant.app.jwt_configuration.alg = 'HS256';
    console.log(`setup --apply against moto ${moto.endpoint} and the local tenant ${tenant.domain} (Management API access, app on HS256)`);
    for (const label of ['from nothing', 'second apply (nothing to do)']) {
      sent.length = 0;
      tenant.resetLog();
      const before = tenant.writeCalls;
      const out = new PassThrough();
      const err = new PassThrough();
      let text = '';
      out.on('data', (d: Buffer) => { text += d.toString(); });
      err.on('data', (d: Buffer) => { text += d.toString(); });
      const t0 = performance.now();
      const code = await setupCommand(['--apply', '--config', file, '--ca', tenant.certs.rootPath], out, err, new AbortController().signal);
      const ms = performance.now() - t0;
      if (code !== 0) throw new Error(`setup --apply exited ${code}:\n${text}`);
      const writes = sent.filter(isWrite).length;
      console.log(`-- ${label}: ${ms.toFixed(0)} ms; ${sent.length} AWS calls (${writes} writes, ${sent.length - writes} reads); Auth0 writes ${tenant.writeCalls - before}`);
      console.log(`   ${byAction(sent)}`);
    }
  } finally {
    SetupCache.prototype.clients = original;
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
    await fs.rm(dir, { recursive: true, force: true });
    await Promise.all([tenant.stop(), moto.stop()]);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
