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
  setup --export cloudformation|terraform|cli --config FILE [--out FILE]
                        The same plan as code: a CloudFormation template, Terraform (with
                        import blocks for what exists already) or an AWS CLI script.

  teardown --plan|--apply --config FILE
                        Remove what setup --apply made for the same config (only what carries
                        its tag, or what --include names), in reverse order.

  resources [--strict]  Audit the account's OIDC providers, the region's identity pools and
                        the roles trusting Cognito, with findings (thumbprint drift, trust
                        broader than one pool, missing providers and roles, ...). With
                        --strict, exit code 1 when any finding is an error.

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
       auth0-cognito setup --export cloudformation|terraform|cli --config FILE [--out FILE] [options]

Sets up Auth0 sign-in for a Cognito identity pool, step by step: connections, the Auth0
application (RS256), the IAM OIDC provider, the identity pool, the authenticated role, and
(with --id-token) a real token exchange.

  --plan                Show what exists and the exact calls each step would make (reads only).
  --apply               Make the calls, step by step; stops at the first failure.
  --export FORMAT       Write the same plan as code instead (reads only, changes nothing):
                        cloudformation  a CloudFormation template (YAML)
                        terraform       Terraform (HCL), with import blocks for the provider,
                                        pool, role... that exist already
                        cli             a bash script of AWS CLI calls, safe to run again
  --out FILE            --export: write to FILE instead of stdout.
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

Exit codes: 0 done, 1 a step failed or cannot be planned (the step and the fix on stderr), 2 usage
or config error (unknown option or config field, unreadable or invalid --config / --ca file),
130 interrupted (Ctrl+C).
`;

export const RESOURCES_USAGE = `Usage: auth0-cognito resources [--json] [--strict] [options]

Lists the account's IAM OpenID Connect providers, the region's Cognito identity pools (every
page of ListIdentityPools, 60 a page) and the IAM roles that trust cognito-identity.amazonaws.com,
each with its findings, for audits in CI. Reads only; makes no change. Fetches the certificate
chain of each provider host that has thumbprints pinned (4 at a time).

  --strict              Exit code 1 when any finding is an error.
  --region REGION       The identity pools' region (default AWS_REGION, AWS_DEFAULT_REGION,
                        or the profile's region).
  --profile NAME        AWS profile (default: the default credential chain).
  --endpoint URL        AWS endpoint for IAM/Cognito/STS (LocalStack, moto); default
                        AWS_ENDPOINT_URL or AWS.
${commonOptions(true)}

--ca is also trusted for the thumbprint fetch (a provider on a host with a private CA), and
--timeout also bounds each TLS handshake.

Findings (code, severity):
  thumbprint-drift            warning  The provider's thumbprints lack the SHA-1 of the last
                                       certificate its host presents now.
  thumbprint-unchecked        info     The host could not be reached to check the thumbprints.
  provider-unused             info     No identity pool in the region lists the provider.
  provider-unreadable         warning  GetOpenIDConnectProvider failed.
  pool-no-provider            warning  The pool has no identity provider at all.
  pool-provider-missing       error    The pool lists an OIDC provider that does not exist.
  pool-no-authenticated-role  warning  The pool has providers but no authenticated role.
  pool-role-missing           error    A role the pool names does not exist (NoSuchEntity).
  pool-role-untrusted         error    A role the pool names does not trust this pool.
  pool-guest-access           info     Guest (unauthenticated) identities are allowed.
  pool-unreadable             warning  DescribeIdentityPool or GetIdentityPoolRoles failed.
  trust-any-pool              error    The role's trust lets any identity pool in (no aud pin,
                                       or a pattern matching any pool id).
  trust-several-pools         warning  The role's trust names more than one pool.
  trust-pool-not-pinned       warning  The role's trust tests aud other than with StringEquals
                                       (a narrower pattern, IfExists, IgnoreCase).
  trust-guests                warning  The role's trust lets guests in, and no pool uses it as
                                       its unauthenticated role.
  trust-unreadable            warning  The trust policy could not be parsed.
  role-unused                 info     No identity pool in the region uses the role.

Exit codes: 0 the listing succeeded (findings or not), 1 a list could not be read (message on
stderr) or, with --strict, an error finding, 2 usage error (unknown option, bad value, no
region, unreadable --ca file), 130 interrupted (Ctrl+C).
`;

export const TEARDOWN_USAGE = `Usage: auth0-cognito teardown (--plan | --apply) --config FILE [--include ID]... [options]

Removes what "setup --apply" made for the same config, in reverse order: the identity pool's
roles and the pool, the role's inline policy and the role, then the Auth0 application's client
ID from the IAM OIDC provider, or the provider itself when no other client ID remains and no
other identity pool of the region lists it. Only resources tagged
auth0-cognito-bridge:setup = <names.poolName> are removed; anything else it finds is left alone
and the plan says why. A role with permissions the setup did not make is kept. Running it again
finishes a teardown that stopped halfway; with nothing left it makes no call.
The Auth0 application stays on RS256 (other apps may rely on it) and keeps its callback URLs;
no Management API access is needed.

  --plan                Show what was found and the exact calls it would make (reads only).
  --apply               Make the calls, in order; stops at the first failure.
  --config FILE         The setup config (the same file as for setup; see setup --help).
  --include ID          Also remove this resource though it is not tagged by this setup: an
                        identity pool id, a role name or ARN, or an OIDC provider ARN that the
                        plan lists as "left alone"; repeatable. A named role is deleted with
                        all its policies.
${commonOptions(true)}

Environment:
  AWS_ENDPOINT_URL      AWS endpoint when the config has none (LocalStack, moto).
  AWS_PROFILE, AWS_ACCESS_KEY_ID, ...   the AWS default credential chain.

Exit codes: 0 done (or nothing left to remove), 1 a call failed (what was done and what was
not on stderr; run it again to finish), 2 usage or config error, 130 interrupted (Ctrl+C).
`;

/** Each command's help text, for `auth0-cognito <command> --help`. */
export const COMMAND_USAGE: Readonly<Record<string, string>> = {
  thumbprint: THUMBPRINT_USAGE,
  'inspect-token': INSPECT_TOKEN_USAGE,
  setup: SETUP_USAGE,
  teardown: TEARDOWN_USAGE,
  resources: RESOURCES_USAGE,
};

/** What a usage error prints after its one line: the command's own help when there is one. */
export function seeHelp(command?: string): string {
  return `Run "auth0-cognito ${command && COMMAND_USAGE[command] ? `${command} ` : ''}--help" for usage.`;
}
