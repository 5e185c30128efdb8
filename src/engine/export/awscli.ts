/**
 * The setup as an AWS CLI script (bash, `set -euo pipefail`): the calls of the plan with their
 * exact parameters (--cli-input-json), each guarded by a look-up so that running it again
 * creates nothing new: the provider is found by its ARN (the URL), the pool by its name, the
 * role by its name, the inline policy and the pool's authenticated role by reading them first.
 * Values only known at run time (the provider's ARN, the pool's id, the role's ARN) are put into
 * the JSON by the script. Ends by printing the pool id and the role ARN. Pure: the model in, the text out.
 */
import { isRef, type Doc, type SetupModel } from './model';
import { commentLines, shellQuote } from './text';

/** Placeholders the script replaces with the values it learns. They cannot occur in the other values (checked). */
const PH = { poolId: '@@IDENTITY_POOL_ID@@', providerArn: '@@OIDC_PROVIDER_ARN@@', roleArn: '@@ROLE_ARN@@' } as const;

/** A document with placeholders for its references. */
function withPlaceholders(d: Doc): unknown {
  if (isRef(d)) return PH[d.ref];
  if (Array.isArray(d)) return d.map(withPlaceholders);
  if (d !== null && typeof d === 'object') return Object.fromEntries(Object.entries(d).map(([k, v]) => [k, withPlaceholders(v)]));
  return d;
}

/** A policy document as a JSON string (the placeholders stay in it). */
const policyJson = (d: Doc): string => JSON.stringify(withPlaceholders(d));

const iamTags = (tags: Record<string, string>): { Key: string; Value: string }[] => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/**
 * JSON as JMESPath's to_string() writes it (Python's json.dumps with separators (',', ':') and
 * ensure_ascii): what the script compares the AWS CLI's answer with, so that it only writes when
 * something differs.
 */
export function jmespathJson(v: unknown): string {
  return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => (c === '\u007f' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** A JMESPath quoted identifier (a JSON string). */
const jpId = (s: string): string => JSON.stringify(s);

/** The roles and role mappings as a JMESPath expression over GetIdentityPoolRoles, and what it must give. */
function rolesSignature(m: SetupModel, roles: Record<string, string>): { query: string; want: string } {
  const providers = m.rolesAttachment.roleMappings.map((r) => r.provider).sort();
  const byName = new Map(m.rolesAttachment.roleMappings.map((r) => [r.provider, r]));
  const query = `to_string([Roles.authenticated, Roles.unauthenticated, sort(keys(RoleMappings || \`{}\`))${providers.map((p) => `, RoleMappings.${jpId(p)}.[Type, AmbiguousRoleResolution, RulesConfiguration.Rules[].[Claim, MatchType, Value, RoleARN]]`).join('')}])`;
  const want = jmespathJson([roles.authenticated ?? null, roles.unauthenticated ?? null, providers, ...providers.map((p) => {
    const r = byName.get(p);
    return r ? [r.type, r.ambiguousRoleResolution ?? null, r.rules.length ? r.rules.map((x) => [x.claim, x.matchType, x.value, typeof x.roleArn === 'string' ? x.roleArn : PH[x.roleArn.ref]]) : null] : null;
  })]);
  return { query, want };
}

/** The bash for the setup. */
export function renderAwsCli(m: SetupModel): string {
  const everything = JSON.stringify(m);
  for (const p of Object.values(PH)) {
    if (everything.includes(p)) throw new Error(`A value of the setup contains ${p}, which the AWS CLI script uses as a placeholder.`);
  }
  const q = shellQuote;
  const json = (v: unknown): string => q(JSON.stringify(v));
  const out: string[] = ['#!/usr/bin/env bash'];
  const head = [
    `Auth0 -> Amazon Cognito identity pool: the setup "${m.name}" as AWS CLI calls.`,
    'Exported by Auth0 Cognito Bridge: the calls of the same plan `auth0-cognito setup --apply` makes, with the same parameters. Each create is skipped when the resource exists already, so the script can be run again.',
    'Needs the AWS CLI (v1 >= 1.29 or v2) and credentials allowed to call IAM and Cognito Identity. AWS_ENDPOINT_URL (or AWS_ENDPOINT_URL_IAM, AWS_ENDPOINT_URL_COGNITO_IDENTITY) points it elsewhere (LocalStack, moto); AWS_PROFILE picks a profile.',
    `Apps sign in with Logins = { "${m.auth0.domain}": <Auth0 ID token> } (the Logins key has no https:// and no trailing slash).`,
  ];
  out.push(...[...head, ...m.notes].flatMap((l, i) => [...(i === head.length ? ['#'] : []), ...commentLines('# ', l, 160)]));
  out.push(
    'set -euo pipefail',
    'export AWS_PAGER=""',
    '',
    `REGION=${q(m.region)}`,
    `PROVIDER_URL=${q(m.provider.url)}`,
    `CLIENT_ID=${q(m.auth0.clientId)}`,
    `POOL_NAME=${q(m.pool.name)}`,
    `ROLE_NAME=${q(m.role.name)}`,
    '',
    'say() { printf \'%s\\n\' "$*" >&2; }',
    '# has WORD LIST: LIST (the AWS CLI\'s text output: tabs or lines) holds WORD exactly; hasi: ignoring case.',
    'has() { grep -qxF -- "$1" <<<"${2//$\'\\t\'/$\'\\n\'}"; }',
    'hasi() { grep -qixF -- "$1" <<<"${2//$\'\\t\'/$\'\\n\'}"; }',
    'awsr() { aws --region "$REGION" "$@"; }',
    '# JSON with the placeholders replaced by what the script learnt.',
    `fill() { local s=$1; s=\${s//${PH.providerArn}/\${PROVIDER_ARN:-}}; s=\${s//${PH.poolId}/\${POOL_ID:-}}; s=\${s//${PH.roleArn}/\${ROLE_ARN:-}}; printf '%s' "$s"; }`,
    '',
  );

  // --- 1. provider
  const createProvider = {
    Url: m.provider.url,
    ClientIDList: m.provider.clientIds,
    ...(m.provider.thumbprints.length ? { ThumbprintList: m.provider.thumbprints } : {}),
    ...(Object.keys(m.provider.tags).length ? { Tags: iamTags(m.provider.tags) } : {}),
  };
  const providerName = m.provider.url.replace(/^https:\/\//, '');
  out.push(
    '# 1. The IAM OIDC provider: found by its ARN (IAM allows one provider per URL), else created.',
    `PROVIDER_SUFFIX=${q(`:oidc-provider/${providerName}`)}`,
    'PROVIDER_ARN=""',
    'for arn in $(awsr iam list-open-id-connect-providers --query \'OpenIDConnectProviderList[].Arn\' --output text); do',
    '  if [[ "$arn" == *"$PROVIDER_SUFFIX" ]]; then PROVIDER_ARN=$arn; fi',
    'done',
    'if [[ -z "$PROVIDER_ARN" ]]; then',
    `  PROVIDER_ARN=$(awsr iam create-open-id-connect-provider --cli-input-json ${json(createProvider)} --query OpenIDConnectProviderArn --output text)`,
    '  say "Created the IAM OIDC provider $PROVIDER_ARN."',
    'else',
    '  say "The IAM OIDC provider $PROVIDER_ARN exists."',
    '  IDS=$(awsr iam get-open-id-connect-provider --open-id-connect-provider-arn "$PROVIDER_ARN" --query \'ClientIDList\' --output text)',
    '  if ! has "$CLIENT_ID" "$IDS"; then',
    '    awsr iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn "$PROVIDER_ARN" --client-id "$CLIENT_ID"',
    '    say "Added the client ID $CLIENT_ID to it."',
    '  fi',
  );
  if (m.provider.thumbprints.length) {
    const last = m.provider.thumbprints[m.provider.thumbprints.length - 1] ?? '';
    out.push(
      `  THUMBPRINTS=$(awsr iam get-open-id-connect-provider --open-id-connect-provider-arn "$PROVIDER_ARN" --query 'ThumbprintList' --output text)`,
      `  if [[ -n "$THUMBPRINTS" && "$THUMBPRINTS" != None ]] && ! hasi ${q(last)} "$THUMBPRINTS"; then`,
      `    awsr iam update-open-id-connect-provider-thumbprint --open-id-connect-provider-arn "$PROVIDER_ARN" --cli-input-json ${json({ ThumbprintList: m.provider.thumbprints })}`,
      `    say ${q(`Set its thumbprints to ${m.provider.thumbprints.join(', ')}.`)}`,
      '  fi',
    );
  }
  out.push('fi', '');

  // --- 2. pool
  const createPool = {
    IdentityPoolName: m.pool.name,
    AllowUnauthenticatedIdentities: m.pool.allowUnauthenticated,
    AllowClassicFlow: m.pool.allowClassicFlow,
    ...(Object.keys(m.pool.supportedLoginProviders).length ? { SupportedLoginProviders: m.pool.supportedLoginProviders } : {}),
    ...(m.pool.developerProviderName ? { DeveloperProviderName: m.pool.developerProviderName } : {}),
    OpenIdConnectProviderARNs: [...m.pool.otherProviderArns, PH.providerArn],
    ...(m.pool.cognitoIdentityProviders.length ? { CognitoIdentityProviders: m.pool.cognitoIdentityProviders.map((c) => ({ ProviderName: c.providerName, ClientId: c.clientId, ServerSideTokenCheck: c.serverSideTokenCheck })) } : {}),
    ...(m.pool.samlProviderArns.length ? { SamlProviderARNs: m.pool.samlProviderArns } : {}),
    ...(Object.keys(m.pool.tags).length ? { IdentityPoolTags: m.pool.tags } : {}),
  };
  out.push(
    '# 2. The identity pool: found by its name (every page), else created for signed-in users only.',
    'POOL_ID=""',
    '# ListIdentityPools pages by hand (the AWS CLI does not when --max-results, which the API requires, is given):',
    '# the first line of each page is its NextToken, "-" after the last.',
    'POOLS=""',
    'TOKEN=""',
    'while :; do',
    '  PAGE=$(awsr cognito-identity list-identity-pools --max-results 60 ${TOKEN:+--next-token "$TOKEN"} --query \'[[NextToken || `"-"`], IdentityPools[].[IdentityPoolId,IdentityPoolName]][]\' --output text)',
    '  TOKEN=$(head -n 1 <<<"$PAGE")',
    '  POOLS+="$(tail -n +2 <<<"$PAGE")"$\'\\n\'',
    '  [[ -n "$TOKEN" && "$TOKEN" != - ]] || break',
    'done',
    'while IFS=$\'\\t\' read -r id name; do',
    '  if [[ "$name" == "$POOL_NAME" ]]; then',
    '    if [[ -n "$POOL_ID" ]]; then say "More than one identity pool is named $POOL_NAME ($POOL_ID, $id): delete or rename one, then run again."; exit 1; fi',
    '    POOL_ID=$id',
    '  fi',
    'done <<<"$POOLS"',
    'if [[ -z "$POOL_ID" ]]; then',
    `  POOL_ID=$(awsr cognito-identity create-identity-pool --cli-input-json "$(fill ${json(createPool)})" --query IdentityPoolId --output text)`,
    '  say "Created the identity pool $POOL_NAME ($POOL_ID)."',
    'else',
    '  say "The identity pool $POOL_NAME ($POOL_ID) exists."',
    '  ARNS=$(awsr cognito-identity describe-identity-pool --identity-pool-id "$POOL_ID" --query \'OpenIdConnectProviderARNs\' --output text)',
    '  if ! has "$PROVIDER_ARN" "$ARNS"; then',
    '    # UpdateIdentityPool replaces the whole configuration: every setting is sent.',
    `    awsr cognito-identity update-identity-pool --identity-pool-id "$POOL_ID" --cli-input-json "$(fill ${json(createPool)})" >/dev/null`,
    '    say "Attached the IAM OIDC provider to it."',
    '  fi',
    'fi',
    '',
  );

  // --- 3. role
  const createRole = {
    RoleName: m.role.name,
    ...(m.role.path !== '/' ? { Path: m.role.path } : {}),
    AssumeRolePolicyDocument: policyJson(m.role.trustPolicy),
    ...(m.role.description ? { Description: m.role.description } : {}),
    ...(Object.keys(m.role.tags).length ? { Tags: iamTags(m.role.tags) } : {}),
  };
  out.push(
    '# 3. The authenticated role: trusted only by this pool\'s signed-in identities.',
    'if ROLE_ARN=$(awsr iam get-role --role-name "$ROLE_NAME" --query Role.Arn --output text 2>/dev/null); then',
    '  say "The role $ROLE_ARN exists."',
  );
  if (m.role.replaceTrust) {
    out.push(`  awsr iam update-assume-role-policy --role-name "$ROLE_NAME" --policy-document "$(fill ${q(policyJson(m.role.trustPolicy))})"`, '  say "Set its trust policy."');
  }
  out.push(
    'else',
    `  ROLE_ARN=$(awsr iam create-role --cli-input-json "$(fill ${json(createRole)})" --query Role.Arn --output text)`,
    '  say "Created the role $ROLE_ARN."',
    'fi',
  );
  if (m.inlinePolicy) {
    const put = { RoleName: m.role.name, PolicyName: m.inlinePolicy.name, PolicyDocument: policyJson(m.inlinePolicy.document) };
    out.push(
      `POLICIES=$(awsr iam list-role-policies --role-name "$ROLE_NAME" --query 'PolicyNames' --output text)`,
      `if ! has ${q(m.inlinePolicy.name)} "$POLICIES"; then`,
      `  awsr iam put-role-policy --cli-input-json ${json(put)}`,
      `  say ${q(`Gave the role the inline policy ${m.inlinePolicy.name}.`)}`,
      'fi',
    );
  }
  out.push('');

  // --- 4. roles (and role mappings)
  const roles: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.rolesAttachment.roles)) roles[k] = typeof v === 'string' ? v : PH[v.ref];
  const mappings: Record<string, unknown> = {};
  for (const r of m.rolesAttachment.roleMappings) {
    mappings[r.provider] = {
      Type: r.type,
      ...(r.ambiguousRoleResolution ? { AmbiguousRoleResolution: r.ambiguousRoleResolution } : {}),
      ...(r.rules.length ? { RulesConfiguration: { Rules: r.rules.map((x) => ({ Claim: x.claim, MatchType: x.matchType, Value: x.value, RoleARN: typeof x.roleArn === 'string' ? x.roleArn : PH[x.roleArn.ref] })) } } : {}),
    };
  }
  const sig = rolesSignature(m, roles);
  const hasMappings = m.rolesAttachment.roleMappings.length > 0;
  out.push(
    hasMappings
      ? '# 4. The role as the pool\'s authenticated role, and the role mappings (SetIdentityPoolRoles replaces the roles and every provider\'s mapping: all are listed).'
      : '# 4. The role as the pool\'s authenticated role (SetIdentityPoolRoles replaces the roles: the others are listed too).',
  );
  if (m.mappedRoleArns.length) {
    out.push(...commentLines('# ', `The roles the mapping rules choose are used as given (${m.mappedRoleArns.join(', ')}): each must trust only this pool's signed-in identities${m.principalTags ? ' and allow sts:TagSession (principal tags are mapped)' : ''}.`));
  }
  out.push(
    '# Compared first (the roles, then each mapping field by field), so a second run writes nothing.',
    `CURRENT=$(awsr cognito-identity get-identity-pool-roles --identity-pool-id "$POOL_ID" --query ${q(sig.query)} --output text)`,
    `if [[ "$CURRENT" != "$(fill ${q(sig.want)})" ]]; then`,
    `  awsr cognito-identity set-identity-pool-roles --identity-pool-id "$POOL_ID" --cli-input-json "$(fill ${json({ Roles: roles, ...(hasMappings ? { RoleMappings: mappings } : {}) })})"`,
    hasMappings
      ? `  say "Set $ROLE_ARN as the authenticated role of $POOL_ID, with the role mappings of "${q(`${m.rolesAttachment.roleMappings.map((r) => r.provider).join(', ')}.`)}`
      : '  say "Set $ROLE_ARN as the authenticated role of $POOL_ID."',
    'fi',
    '',
  );

  // --- 5. principal tags
  const pt = m.principalTags;
  if (pt) {
    const keys = Object.keys(pt.tags).sort();
    const query = pt.useDefaults ? 'to_string([UseDefaults])' : `to_string([UseDefaults, sort(keys(PrincipalTags || \`{}\`)), [${keys.map((k) => `PrincipalTags.${jpId(k)}`).join(', ')}]])`;
    const want = pt.useDefaults ? jmespathJson([true]) : jmespathJson([false, keys, keys.map((k) => pt.tags[k])]);
    const input = { IdentityPoolId: PH.poolId, IdentityProviderName: pt.provider, UseDefaults: pt.useDefaults, PrincipalTags: pt.useDefaults ? {} : pt.tags };
    out.push(
      `# 5. Principal tags (attributes for access control) of ${pt.provider}: ${pt.useDefaults ? 'the provider\'s defaults' : 'claims as session tags'}; compared first.`,
      `TAGS=$(awsr cognito-identity get-principal-tag-attribute-map --identity-pool-id "$POOL_ID" --identity-provider-name ${q(pt.provider)} --query ${q(query)} --output text 2>/dev/null || true)`,
      `if [[ "$TAGS" != ${q(want)} ]]; then`,
      `  awsr cognito-identity set-principal-tag-attribute-map --cli-input-json "$(fill ${json(input)})" >/dev/null`,
      `  say ${q(`Set the principal tags of ${pt.provider}.`)}`,
      'fi',
      '',
    );
  }
  out.push(
    'echo "Identity pool id: $POOL_ID"',
    'echo "Authenticated role ARN: $ROLE_ARN"',
    'echo "OIDC provider ARN: $PROVIDER_ARN"',
    `echo ${q(`Logins key: ${m.auth0.domain}`)}`,
    '',
  );
  return out.join('\n');
}
