/**
 * Prints a fresh ID token from the running playground's local Auth0 tenant (one line on
 * stdout, nothing else), signed in as the tenant's test user through its own login flow:
 *
 *   npm run token
 *   npm run token --silent | node dist/cli.js inspect-token --pool us-east-1:...
 *
 * The token is for the playground's application (`aud` = its client ID) and signed with the
 * algorithm the application has now (HS256 until the wizard's step 2 switches it to RS256).
 */
import * as fs from 'node:fs';
import { fetchIdToken, readPlaygroundState } from './playgroundState';

async function main(): Promise<void> {
  const state = readPlaygroundState();
  const token = await fetchIdToken({
    issuer: state.issuer,
    caPem: fs.readFileSync(state.caPath, 'utf8'),
    clientId: state.clientId,
    redirectUri: state.redirectUri,
    login: state.login,
  });
  process.stdout.write(`${token}\n`);
  if (process.stdout.isTTY) {
    process.stderr.write(`(an ID token for ${state.clientId} from ${state.issuer}: paste it into "Auth0 Cognito: Inspect ID Token", or any editor)\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`token: ${(e as Error).message}\n`);
  process.exit(1);
});
