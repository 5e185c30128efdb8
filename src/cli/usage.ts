/**
 * The CLI's help texts: the overview (`auth0-cognito --help`) and one per command
 * (`auth0-cognito <command> --help`), all in one layout: a Usage line, what the command does, its
 * options, its exit codes. Plain strings, bundled into dist/cli.js (and the setup chunk), so
 * `--help` loads no command code.
 */

/** The options every command has, in the per-command help texts (`aws`: the command calls AWS). */
function commonOptions(aws: boolean): string {
  const timeout = aws
    ? `Network timeout (default 15). An AWS call ends within it, its
                        retries included; the message names a call that did not answer.`
    : 'Network timeout (default 15).';
  return `  --ca FILE             Trust this extra CA certificate (PEM); repeatable.
  --timeout SECONDS     ${timeout}
  --json                Print the result as JSON.
  -h, --help            Show this help.`;
}

export const USAGE = `Usage: auth0-cognito <command> [options]

Commands:
  thumbprint <host>     Show the TLS chain a host presents and the thumbprint IAM expects
                        for an OpenID Connect provider on it. <host> may be a domain,
                        host:port, or an https:// URL.

  inspect-token [token] Decode an ID token, verify its signature against the issuer's JWKS and
                        check every rule Cognito applies; with --pool, also against that
                        identity pool's providers and roles. Reads the token from stdin when
                        not given (at most 4 MB). Exit code 0 when the preflight passes, 1 when
                        it fails, 3 when nothing failed but the token could not be confirmed
                        (e.g. the issuer's keys could not be fetched to check the signature).

  setup --plan|--apply --config FILE
                        The setup wizard's steps from a config file:
                        --plan shows what exists and the exact calls it would make;
                        --apply makes them, in order, and stops at the first failure.

Run "auth0-cognito <command> --help" for a command's options.

Options:
  --json                Print the result as JSON.
  --pool <id>           inspect-token: the identity pool to check against (REGION:GUID).
  --profile <name>      AWS profile (default: the default credential chain).
  --endpoint <url>      AWS endpoint for IAM/Cognito/STS (LocalStack, moto); default
                        AWS_ENDPOINT_URL or AWS.
  --ca <file>           Trust this extra CA certificate (PEM); repeatable.
  --timeout <seconds>   Network timeout (default 15). An AWS call ends within it, its
                        retries included; the message names a call that did not answer.
  -h, --help            Show this help (after a command: that command's help).
  --version             Print the CLI's version.

Exit codes:
  0    success (inspect-token: the preflight passed)
  1    the operation failed, or inspect-token's preflight failed (message on stderr)
  2    usage or config error: unknown option, bad value, unreadable or invalid --config / --ca
       file, input too large
  3    inspect-token: nothing failed, but the token could not be confirmed (signature unverified)
  130  interrupted (Ctrl+C)
`;

export const THUMBPRINT_USAGE = `Usage: auth0-cognito thumbprint <host> [options]

Shows the TLS chain <host> presents and the thumbprint IAM expects for an OpenID Connect
provider on it. <host> may be a domain (tenant.auth0.com), host:port, or an https:// URL.
Makes no AWS call.

${commonOptions(false)}

Exit codes: 0 done, 1 the host could not be reached or its chain not read (message on stderr),
2 usage error (unknown option, bad value, unreadable --ca file), 130 interrupted (Ctrl+C).
`;

export const INSPECT_TOKEN_USAGE = `Usage: auth0-cognito inspect-token [token] [options]

Decodes an ID token, verifies its signature against the issuer's JWKS and checks every rule
Cognito applies; with --pool, also against that identity pool's providers and roles. Reads the
token (or text around it) from stdin when not given, at most 4 MB. Never prints the token.

  --pool REGION:GUID    The identity pool to check against (reads it from AWS).
  --profile NAME        AWS profile (default: the default credential chain).
  --endpoint URL        AWS endpoint for IAM/Cognito/STS (LocalStack, moto); default
                        AWS_ENDPOINT_URL or AWS.
${commonOptions(true)}

Exit codes: 0 the preflight passed, 1 it failed (what to do on stdout), 2 usage error,
3 nothing failed but the token could not be confirmed (signature unverified: never a pass),
130 interrupted (Ctrl+C).
`;

export const SETUP_USAGE = `Usage: auth0-cognito setup (--plan | --apply) --config FILE [options]

Sets up Auth0 sign-in for a Cognito identity pool, step by step: connections, the Auth0
application (RS256), the IAM OIDC provider, the identity pool, the authenticated role, and
(with --id-token) a real token exchange.

  --plan                Show what exists and the exact calls each step would make (reads only).
  --apply               Make the calls, step by step; stops at the first failure.
  --config FILE         JSON (at most 1 MB; no other fields, no secrets):
                              { "aws": { "region", "profile"?, "endpoint"? },
                                "auth0": { "domain", "clientId" },
                                "names": { "poolName", "poolId"?, "roleName"? } }
  --id-token TOKEN      Also try the setup with this ID token (or AUTH0_ID_TOKEN).
${commonOptions(true)}

Environment:
  AUTH0_MGMT_TOKEN, or AUTH0_MGMT_CLIENT_ID + AUTH0_MGMT_CLIENT_SECRET
                        Auth0 Management API access (read:clients, update:clients); without it
                        the Auth0 changes are printed as Dashboard steps.
  AWS_ENDPOINT_URL      AWS endpoint when the config has none (LocalStack, moto).
  AWS_PROFILE, AWS_ACCESS_KEY_ID, ...   the AWS default credential chain.

Exit codes: 0 done, 1 a step failed (the step and the fix on stderr), 2 usage or config error
(unknown option or config field, unreadable or invalid --config / --ca file), 130 interrupted
(Ctrl+C).
`;

/** Each command's help text, for `auth0-cognito <command> --help`. */
export const COMMAND_USAGE: Readonly<Record<string, string>> = {
  thumbprint: THUMBPRINT_USAGE,
  'inspect-token': INSPECT_TOKEN_USAGE,
  setup: SETUP_USAGE,
};

/** What a usage error prints after its one line: the command's own help when there is one. */
export function seeHelp(command?: string): string {
  return `Run "auth0-cognito ${command && COMMAND_USAGE[command] ? `${command} ` : ''}--help" for usage.`;
}
