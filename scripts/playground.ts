/**
 * The playground: code-server (a real VS Code in the browser) with the packaged extension
 * installed and preconfigured against local stand-ins, the moto server (AWS) and a local
 * Auth0-like tenant (HTTPS with its own CA).
 * Prints the URL, the throw-away Management API credentials and how to get an ID token
 * (`npm run token`); the workbench opens the guide (PLAYGROUND.md) on start. Runs until Ctrl+C.
 *
 *   npm run playground            (builds and packages the .vsix first)
 *   PLAYGROUND_PORT=8080 npm run playground
 *
 * Everything lives outside the repo (no parent git repository for VS Code to ask about), in
 * playgroundDir(): ~/.cache/auth0-cognito-bridge/playground/, recreated on every start. Its
 * state.json (tenant URL, CA, client) is what `npm run token` reads; removed on stop.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startMoto } from '../test/standins/moto';
import { startTenant } from '../test/standins/tenant';
import { freePort, waitForPort } from '../test/standins/ports';
import { describeCodeServer, ensureCodeServerInstall, findRepoRoot, killTree } from '../test/vscode/codeServer';
import { TOKEN_REDIRECT_URI, playgroundDir, statePath, writePlaygroundState } from './playgroundState';

async function main(): Promise<void> {
  const root = findRepoRoot(__dirname);
  const vsix = path.join(root, 'dist', 'auth0-cognito-bridge.vsix');
  if (!fs.existsSync(vsix)) throw new Error('dist/auth0-cognito-bridge.vsix is missing: run `npm run package` first (npm run playground does).');
  const dir = playgroundDir();
  fs.rmSync(dir, { recursive: true, force: true });
  const userData = path.join(dir, 'user-data');
  const extensions = path.join(dir, 'extensions');
  const workspace = path.join(dir, 'workspace');
  for (const d of [path.join(userData, 'User'), extensions, workspace]) fs.mkdirSync(d, { recursive: true });

  // The newest tested VS Code (README "Tested VS Code versions"); A0C_CODE_SERVER_VERSION=min for the oldest.
  const install = ensureCodeServerInstall(root, process.env.A0C_CODE_SERVER_VERSION?.trim() || 'newest');
  process.stderr.write(`${describeCodeServer(install)}\n`);
  const entry = path.join(install.dir, 'out', 'node', 'entry.js');
  process.stderr.write('Starting moto (AWS) and the local Auth0 tenant...\n');
  // The token script's callback is registered up front; the wizard keeps it when it adds its own.
  // Sign in with Auth0 (the wizard's step 7) shows the tenant's login page: the test user and this password.
  const password = `playground-${crypto.randomBytes(4).toString('hex')}`;
  const [moto, tenant] = await Promise.all([startMoto(), startTenant({ app: { callbacks: [TOKEN_REDIRECT_URI] }, loginPage: { password } })]);
  const caPath = path.join(dir, 'tenant-root-ca.pem');
  fs.writeFileSync(caPath, tenant.caPem);

  // The AWS endpoint and the extra CAs are user-only settings (machine scope): they go in the
  // profile's User/settings.json, never in the workspace's settings (VS Code ignores them there).
  const settings = {
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'telemetry.telemetryLevel': 'off',
    'git.openRepositoryInParentFolders': 'never',
    'auth0Cognito.aws.endpoint': moto.endpoint,
    'auth0Cognito.aws.region': moto.region,
    'auth0Cognito.extraCaCertificates': [caPath],
  };
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  // Newer VS Code in code-server reads machine-scoped settings of the remote window from the
  // server's Machine settings only (the Settings editor's "Remote" tab): the same three go there too.
  const machine = { 'auth0Cognito.aws.endpoint': moto.endpoint, 'auth0Cognito.extraCaCertificates': [caPath] };
  fs.mkdirSync(path.join(userData, 'Machine'), { recursive: true });
  fs.writeFileSync(path.join(userData, 'Machine', 'settings.json'), JSON.stringify(machine, null, 2));
  const guide = path.join(workspace, 'PLAYGROUND.md');
  fs.writeFileSync(guide, [
    '# Auth0 Cognito Bridge playground',
    '',
    'Everything here is local and throw-away: a local Auth0-like tenant (its own CA, trusted through',
    '`auth0Cognito.extraCaCertificates`) and moto for AWS (`auth0Cognito.aws.endpoint`). Both are new on every start.',
    '',
    `- Local Auth0 tenant: \`${tenant.issuer}\` (domain \`${tenant.domain}\`)`,
    `- Application client ID: \`${tenant.app.client_id}\` (signing algorithm ${tenant.app.jwt_configuration.alg}; the wizard's step 2 switches it to RS256)`,
    `- Management API (throw-away machine-to-machine app of this local tenant only): client ID \`${tenant.mgmt.clientId}\`, secret \`${tenant.mgmt.clientSecret}\``,
    `- AWS: moto at \`${moto.endpoint}\`, region ${moto.region}, account 123456789012`,
    `- Test user (the tenant's login page): email \`${tenant.user.email}\`, password \`${password}\``,
    '',
    '## Try it',
    '',
    '1. The setup wizard: the Auth0 Cognito icon in the activity bar. Enter the domain and client ID above,',
    '   **Save and check**, then **Add access…** with the Management API client ID and secret above,',
    '   and Plan / Apply each step.',
    '2. An ID token, either way:',
    '   - **Sign in with Auth0** in the wizard\'s step 7: the wizard first offers a plan that allows its callback URL',
    '     (this workbench\'s `/proxy/53682/callback`; apply it), then your browser opens the tenant\'s login page. The',
    '     tenant\'s certificate comes from the playground\'s own CA, so the browser warns once: continue (or import',
    `     \`${caPath}\`). Log in with the test user above; the wizard gets the token and plans the exchange.`,
    '   - `npm run token` in the repository (a terminal there, while this playground runs): it logs in as the test user',
    '     and prints a fresh ID token. Paste it into F1 > **Auth0 Cognito: Inspect ID Token**, or any editor (hover and CodeLens).',
    `3. F1 > **Auth0 Cognito: Compute OIDC Thumbprint** with \`${tenant.domain}\`.`,
    '',
  ].join('\n'));

  process.stderr.write('Installing the .vsix into code-server...\n');
  execFileSync(install.node, [entry, '--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', vsix], { stdio: ['ignore', 'ignore', 'inherit'] });

  const port = Number(process.env.PLAYGROUND_PORT) || (await freePort());
  const log = fs.openSync(path.join(dir, 'code-server.log'), 'a');
  const cs = spawn(install.node, [entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--user-data-dir', userData,
    '--extensions-dir', extensions, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', workspace], {
    stdio: ['ignore', log, log],
    detached: true,
    env: { ...process.env, AWS_ACCESS_KEY_ID: moto.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: moto.credentials.secretAccessKey, AWS_REGION: moto.region },
  });
  await waitForPort(port, '127.0.0.1', 60_000);

  // The workbench opens the guide: a `payload` openFile with a vscode-remote URI of the
  // server's own authority (plain paths do nothing; see shared/reference/real-vscode-offline.md).
  const authority = `127.0.0.1:${port}`;
  const payload = JSON.stringify([['openFile', `vscode-remote://${authority}${guide.split(path.sep).join('/')}`]]);
  const url = `http://${authority}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`;
  const stateFile = statePath(dir);
  writePlaygroundState(stateFile, {
    issuer: tenant.issuer,
    caPath,
    clientId: tenant.app.client_id,
    redirectUri: TOKEN_REDIRECT_URI,
    login: { email: tenant.user.email, password },
    workbenchUrl: url,
    pid: process.pid,
  });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.stderr.write('\nStopping the playground...\n');
    fs.rmSync(stateFile, { force: true });
    if (cs.pid) await killTree(cs.pid);
    await Promise.allSettled([moto.stop(), tenant.stop()]);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  cs.on('exit', () => void stop());

  process.stdout.write([
    '',
    `Playground ready: ${url}`,
    `  Guide (opens in the workbench): ${guide}`,
    `  Auth0 tenant (local):  ${tenant.issuer}   app client id: ${tenant.app.client_id}`,
    `  Management API (throw-away, this local tenant only; for the wizard's "Add access…"):`,
    `                         client id ${tenant.mgmt.clientId}   secret ${tenant.mgmt.clientSecret}`,
    `  Sign in with Auth0:    ${tenant.user.email} / ${password}   (the tenant's login page; or \`npm run token\` prints a token)`,
    `  AWS (moto):            ${moto.endpoint}   region ${moto.region}`,
    `  files and logs: ${dir}     stop: Ctrl+C`,
    '',
  ].join('\n'));
}

main().catch((e: unknown) => {
  process.stderr.write(`playground: ${(e as Error).message}\n`);
  process.exit(1);
});
