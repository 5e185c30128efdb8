/**
 * The playground: code-server (a real VS Code in the browser) with the packaged extension
 * installed and preconfigured against local stand-ins, the moto server (AWS) and a local
 * Auth0-like tenant (HTTPS with its own CA). Prints the URL; runs until Ctrl+C.
 *
 *   npm run playground            (builds and packages the .vsix first)
 *   PLAYGROUND_PORT=8080 npm run playground
 *
 * State lives in .playground/ (git-ignored) and is recreated on every start.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startMoto } from '../test/standins/moto';
import { startTenant } from '../test/standins/tenant';
import { freePort, waitForPort } from '../test/standins/ports';
import { ensureCodeServer, findRepoRoot, killTree } from '../test/vscode/codeServer';

async function main(): Promise<void> {
  const root = findRepoRoot(__dirname);
  const vsix = path.join(root, 'dist', 'auth0-cognito-bridge.vsix');
  if (!fs.existsSync(vsix)) throw new Error('dist/auth0-cognito-bridge.vsix is missing: run `npm run package` first (npm run playground does).');
  const dir = path.join(root, '.playground');
  fs.rmSync(dir, { recursive: true, force: true });
  const userData = path.join(dir, 'user-data');
  const extensions = path.join(dir, 'extensions');
  const workspace = path.join(dir, 'workspace');
  for (const d of [path.join(userData, 'User'), extensions, workspace]) fs.mkdirSync(d, { recursive: true });

  const codeServer = ensureCodeServer(root);
  const entry = path.join(codeServer, 'out', 'node', 'entry.js');
  process.stderr.write('Starting moto (AWS) and the local Auth0 tenant...\n');
  const [moto, tenant] = await Promise.all([startMoto(), startTenant()]);
  const caPath = path.join(dir, 'tenant-root-ca.pem');
  fs.writeFileSync(caPath, tenant.caPem);

  // The AWS endpoint and the extra CAs are user-only settings (machine scope): they go in the
  // profile's User/settings.json, never in the workspace's settings (VS Code ignores them there).
  const settings = {
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'telemetry.telemetryLevel': 'off',
    'auth0Cognito.aws.endpoint': moto.endpoint,
    'auth0Cognito.aws.region': moto.region,
    'auth0Cognito.extraCaCertificates': [caPath],
  };
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  fs.writeFileSync(path.join(workspace, 'PLAYGROUND.md'), [
    '# Auth0 Cognito Bridge playground',
    '',
    `- Local Auth0 tenant: \`${tenant.issuer}\` (domain \`${tenant.domain}\`)`,
    `- Application client ID: \`${tenant.app.client_id}\` (signing algorithm ${tenant.app.jwt_configuration.alg})`,
    `- AWS: moto at \`${moto.endpoint}\`, region ${moto.region}, account 123456789012`,
    `- Management API (throw-away local machine-to-machine app): client ID \`${tenant.mgmt.clientId}\`, secret \`${tenant.mgmt.clientSecret}\``,
    '',
    'Try the setup wizard: the Auth0 Cognito icon in the activity bar, enter the domain and client ID above,',
    '"Save and check", then "Add access…" with the machine-to-machine app, and Plan / Apply each step.',
    'Or F1 > **Auth0 Cognito: Compute OIDC Thumbprint** with `' + tenant.domain + '`, or **Auth0 Cognito: Inspect ID Token**.',
    '',
  ].join('\n'));

  process.stderr.write('Installing the .vsix into code-server...\n');
  execFileSync(process.execPath, [entry, '--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', vsix], { stdio: ['ignore', 'ignore', 'inherit'] });

  const port = Number(process.env.PLAYGROUND_PORT) || (await freePort());
  const log = fs.openSync(path.join(dir, 'code-server.log'), 'a');
  const cs = spawn(process.execPath, [entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--user-data-dir', userData,
    '--extensions-dir', extensions, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', workspace], {
    stdio: ['ignore', log, log],
    detached: true,
    env: { ...process.env, AWS_ACCESS_KEY_ID: moto.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: moto.credentials.secretAccessKey, AWS_REGION: moto.region },
  });
  await waitForPort(port, '127.0.0.1', 60_000);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.stderr.write('\nStopping the playground...\n');
    if (cs.pid) await killTree(cs.pid);
    await Promise.allSettled([moto.stop(), tenant.stop()]);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  cs.on('exit', () => void stop());

  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
  process.stdout.write([
    '',
    `Playground ready: ${url}`,
    `  Auth0 tenant (local):  ${tenant.issuer}   app client id: ${tenant.app.client_id}`,
    `  AWS (moto):            ${moto.endpoint}   region ${moto.region}`,
    `  logs: .playground/code-server.log     stop: Ctrl+C`,
    '',
  ].join('\n'));
}

main().catch((e: unknown) => {
  process.stderr.write(`playground: ${(e as Error).message}\n`);
  process.exit(1);
});
