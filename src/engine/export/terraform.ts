/**
 * The setup as Terraform (HCL, AWS provider): aws_iam_openid_connect_provider,
 * aws_cognito_identity_pool, aws_iam_role + aws_iam_role_policy and
 * aws_cognito_identity_pool_roles_attachment, with variables for the Auth0 domain and client ID
 * and outputs for the pool id and the role ARN. For each resource that exists already, an
 * `import {}` block (Terraform >= 1.5) with its real id, so a team adopts it into state instead
 * of creating it again. Import ids as the AWS provider documents them: the provider's ARN, the
 * pool's id, the role's name, "role_name:policy_name", and the pool's id for the roles attachment.
 * Pure: the model in, the text out.
 */
import { canonicalJson } from '../plan/model';
import { MINIMAL_PERMISSIONS_POLICY } from '../setup/authenticatedRole';
import { isRef, type Doc, type Ref, type SetupModel } from './model';
import { commentLines, commentText, hclString } from './text';

/** Resource addresses. */
export const TF = {
  provider: 'aws_iam_openid_connect_provider.auth0',
  pool: 'aws_cognito_identity_pool.this',
  role: 'aws_iam_role.authenticated',
  policy: 'aws_iam_role_policy.minimal',
  attachment: 'aws_cognito_identity_pool_roles_attachment.this',
  principalTags: 'aws_cognito_identity_pool_provider_principal_tag.auth0',
} as const;

/** An HCL expression written as is (references, function calls). */
interface Raw {
  raw: string;
}
type H = string | number | boolean | null | Raw | H[] | { [key: string]: H };
const raw = (s: string): Raw => ({ raw: s });
const isRaw = (v: unknown): v is Raw => v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as Raw).raw === 'string' && Object.keys(v).length === 1;

function refOf(r: Ref): Raw {
  if (r.ref === 'poolId') return raw(`${TF.pool}.id`);
  if (r.ref === 'providerArn') return raw(`${TF.provider}.arn`);
  return raw(`${TF.role}.arn`);
}

function fromDoc(d: Doc): H {
  if (isRef(d)) return refOf(d);
  if (Array.isArray(d)) return d.map(fromDoc);
  if (d !== null && typeof d === 'object') return Object.fromEntries(Object.entries(d).map(([k, v]) => [k, fromDoc(v)]));
  return d;
}

/** An expression at `indent` (its first line is not indented: it follows "name = "). */
function expr(v: H, indent: number): string {
  const pad = '  '.repeat(indent + 1);
  const end = '  '.repeat(indent);
  if (typeof v === 'string') return hclString(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : hclString(String(v));
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null) return 'null';
  if (isRaw(v)) return v.raw;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    const items = v.map((x) => expr(x, indent + 1));
    const flat = `[${items.join(', ')}]`;
    if (!flat.includes('\n') && flat.length <= 100) return flat;
    return `[\n${items.map((x) => `${pad}${x},`).join('\n')}\n${end}]`;
  }
  const entries = Object.entries(v);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, x]) => `${pad}${hclString(k)} = ${expr(x, indent + 1)}`).join('\n')}\n${end}}`;
}

/** A block's body lines: attributes (name = expression), nested blocks, comments. */
type Item = [name: string, value: H] | { block: string; body: Item[] } | { comment: string } | { skip: string; reason: string };

function body(items: Item[], indent: number): string[] {
  const pad = '  '.repeat(indent);
  const out: string[] = [];
  const attrs = items.filter(Array.isArray) as [string, H][];
  const width = Math.max(0, ...attrs.map(([n]) => n.length));
  for (const it of items) {
    if (Array.isArray(it)) out.push(`${pad}${it[0].padEnd(width)} = ${expr(it[1], indent)}`);
    else if ('block' in it) out.push('', `${pad}${it.block} {`, ...body(it.body, indent + 1), `${pad}}`);
    else if ('skip' in it) out.push(`${pad}#checkov:skip=${it.skip}:${commentText(it.reason, 500)}`);
    else out.push(...commentLines(`${pad}# `, it.comment));
  }
  return out;
}

const block = (header: string, items: Item[]): string => [`${header} {`, ...body(items, 1), '}'].join('\n');

/** The import id of each resource that exists already (by address). */
export function terraformImports(m: SetupModel): Record<string, string> {
  const ids: Record<string, string> = {};
  if (m.provider.existingArn) ids[TF.provider] = m.provider.existingArn;
  if (m.pool.existingId) ids[TF.pool] = m.pool.existingId;
  if (m.role.existingArn) ids[TF.role] = m.role.name;
  if (m.inlinePolicy?.exists) ids[TF.policy] = `${m.role.name}:${m.inlinePolicy.name}`;
  if (m.pool.existingId && m.rolesAttachment.exists) ids[TF.attachment] = m.pool.existingId;
  // "IDENTITY_POOL_ID:PROVIDER_NAME" (the AWS provider's import id for the principal tag map).
  if (m.pool.existingId && m.principalTags?.exists) ids[TF.principalTags] = `${m.pool.existingId}:${m.principalTags.provider}`;
  return ids;
}

/** The Terraform configuration for the setup. */
export function renderTerraform(m: SetupModel): string {
  const parts: string[] = [];
  const head = [
    `Auth0 -> Amazon Cognito identity pool: the setup "${m.name}" as Terraform (AWS provider).`,
    'Exported by Auth0 Cognito Bridge from the same plan `auth0-cognito setup --apply` makes.',
    'Run: terraform init && terraform plan. Resources that exist already have an import block with their real id: terraform adopts them into its state instead of creating them again (Terraform >= 1.5).',
    `Apps sign in with Logins = { "${m.auth0.domain}": <Auth0 ID token> } (the Logins key has no https:// and no trailing slash).`,
  ];
  parts.push([...head, ...m.notes].flatMap((l, i) => [...(i === head.length ? ['#'] : []), ...commentLines('# ', l, 160)]).join('\n'));

  parts.push(block('terraform', [
    ['required_version', '>= 1.5.0'],
    // Without thumbprints the provider needs thumbprint_list to be optional (AWS provider 6 has it so).
    { block: 'required_providers', body: [['aws', { source: 'hashicorp/aws', version: m.provider.thumbprints.length ? '>= 5.0' : '>= 6.0' }]] },
  ]));
  parts.push(block('provider "aws"', [['region', raw('var.region')]]));
  parts.push(block('variable "region"', [['description', 'The AWS region of the identity pool.'], ['type', raw('string')], ['default', m.region]]));
  parts.push(block('variable "auth0_domain"', [
    ['description', 'The Auth0 tenant domain (or custom domain) without https:// and without a trailing slash: the IAM OIDC provider URL is https://<this>, and apps use it as the Logins key.'],
    ['type', raw('string')],
    ['default', m.auth0.domain],
    { block: 'validation', body: [
      ['condition', raw('can(regex("^[A-Za-z0-9][A-Za-z0-9.-]*(:[0-9]{1,5})?(/[^/\\\\s]+)*$", var.auth0_domain))')],
      ['error_message', 'Give the domain without https:// and without a trailing slash, e.g. tenant.eu.auth0.com.'],
    ] },
  ]));
  parts.push(block('variable "auth0_client_id"', [
    ['description', 'The Auth0 application\'s Client ID: the audience the IAM OIDC provider accepts.'],
    ['type', raw('string')],
    ['default', m.auth0.clientId],
  ]));

  const imports = terraformImports(m);
  for (const [to, id] of Object.entries(imports)) parts.push(block('import', [['to', raw(to)], ['id', id]]));

  const [, provName] = TF.provider.split('.');
  const otherClientIds = m.provider.clientIds.filter((c) => c !== m.auth0.clientId);
  const prov: Item[] = [
    ['url', raw('"https://${var.auth0_domain}"')],
    ['client_id_list', [raw('var.auth0_client_id'), ...otherClientIds]],
  ];
  if (otherClientIds.length) prov.unshift({ comment: `The provider's other client IDs are kept: ${otherClientIds.join(', ')}.` });
  if (m.provider.thumbprints.length) prov.push(['thumbprint_list', [...m.provider.thumbprints]]);
  if (Object.keys(m.provider.tags).length) prov.push(['tags', { ...m.provider.tags }]);
  parts.push(block(`resource "aws_iam_openid_connect_provider" "${provName}"`, prov));

  const pool: Item[] = [
    ['identity_pool_name', m.pool.name],
    ['allow_unauthenticated_identities', m.pool.allowUnauthenticated],
    ['allow_classic_flow', m.pool.allowClassicFlow],
    ['openid_connect_provider_arns', [...m.pool.otherProviderArns, raw(`${TF.provider}.arn`)]],
  ];
  if (Object.keys(m.pool.supportedLoginProviders).length) pool.push(['supported_login_providers', { ...m.pool.supportedLoginProviders }]);
  if (m.pool.developerProviderName) pool.push(['developer_provider_name', m.pool.developerProviderName]);
  if (m.pool.samlProviderArns.length) pool.push(['saml_provider_arns', [...m.pool.samlProviderArns]]);
  if (Object.keys(m.pool.tags).length) pool.push(['tags', { ...m.pool.tags }]);
  for (const c of m.pool.cognitoIdentityProviders) {
    pool.push({ block: 'cognito_identity_providers', body: [['provider_name', c.providerName], ['client_id', c.clientId], ['server_side_token_check', c.serverSideTokenCheck]] });
  }
  parts.push(block(`resource "aws_cognito_identity_pool" "${TF.pool.split('.')[1] ?? ''}"`, pool));

  const role: Item[] = [['name', m.role.name]];
  if (m.role.path !== '/') role.push(['path', m.role.path]);
  if (m.role.description) role.push(['description', m.role.description]);
  role.push(['assume_role_policy', raw(`jsonencode(${expr(fromDoc(m.role.trustPolicy), 1)})`)]);
  if (Object.keys(m.role.tags).length) role.push(['tags', { ...m.role.tags }]);
  parts.push(block(`resource "aws_iam_role" "${TF.role.split('.')[1] ?? ''}"`, role));

  if (m.inlinePolicy) {
    const minimal = canonicalJson(m.inlinePolicy.document) === canonicalJson(JSON.parse(MINIMAL_PERMISSIONS_POLICY));
    parts.push(block(`resource "aws_iam_role_policy" "${TF.policy.split('.')[1] ?? ''}"`, [
      ...(minimal ? [{ comment: 'The minimal policy the Cognito console gives new identity pool roles: signed-in users can refresh their own credentials and nothing else. Add what your app needs in a policy of its own.' },
        { skip: 'CKV_AWS_287', reason: 'cognito-identity:GetCredentialsForIdentity is the purpose of this role: a signed-in identity refreshes its own temporary credentials (the Cognito console gives new identity pool roles exactly this policy).' }] as Item[] : []),
      ['name', m.inlinePolicy.name],
      ['role', raw(`${TF.role}.id`)],
      ['policy', raw(`jsonencode(${expr(fromDoc(m.inlinePolicy.document), 1)})`)],
    ]));
  }

  const roles: Record<string, H> = {};
  for (const [k, v] of Object.entries(m.rolesAttachment.roles)) roles[k] = typeof v === 'string' ? v : refOf(v);
  const provider = (name: string): H => (name === m.auth0.domain ? raw('var.auth0_domain') : name);
  const attachment: Item[] = [
    ['identity_pool_id', raw(`${TF.pool}.id`)],
    ['roles', roles],
  ];
  if (m.rolesAttachment.roleMappings.length) {
    attachment.push({ comment: 'Role mappings (rules in order: the first match gives the role). The attachment replaces every provider\'s mapping, so the ones that exist are here too.' });
    if (m.mappedRoleArns.length) {
      attachment.push({ comment: `The roles the rules choose are used as given: each must trust only this pool's signed-in identities${m.principalTags ? ' and allow sts:TagSession (principal tags are mapped)' : ''}.` });
    }
  }
  for (const rm of m.rolesAttachment.roleMappings) {
    const b: Item[] = [['identity_provider', rm.auth0 ? provider(rm.provider) : rm.provider], ['type', rm.type]];
    if (rm.ambiguousRoleResolution) b.push(['ambiguous_role_resolution', rm.ambiguousRoleResolution]);
    for (const r of rm.rules) {
      b.push({ block: 'mapping_rule', body: [['claim', r.claim], ['match_type', r.matchType], ['value', r.value], ['role_arn', typeof r.roleArn === 'string' ? r.roleArn : refOf(r.roleArn)]] });
    }
    attachment.push({ block: 'role_mapping', body: b });
  }
  parts.push(block(`resource "aws_cognito_identity_pool_roles_attachment" "${TF.attachment.split('.')[1] ?? ''}"`, attachment));

  const pt = m.principalTags;
  if (pt) {
    const body: Item[] = [
      { comment: pt.useDefaults ? 'The provider\'s default principal tags (aud and sub as session tags).' : 'Claims as session tags (tag key -> claim name), for IAM conditions on aws:PrincipalTag/<key>; every role the pool can give must allow sts:TagSession.' },
      ['identity_pool_id', raw(`${TF.pool}.id`)],
      ['identity_provider_name', provider(pt.provider)],
      ['use_defaults', pt.useDefaults],
    ];
    if (!pt.useDefaults) body.push(['principal_tags', { ...pt.tags }]);
    parts.push(block(`resource "aws_cognito_identity_pool_provider_principal_tag" "${TF.principalTags.split('.')[1] ?? ''}"`, body));
  }

  parts.push(block('output "identity_pool_id"', [['description', 'The identity pool id (GetId / fromCognitoIdentityPool).'], ['value', raw(`${TF.pool}.id`)]]));
  parts.push(block('output "authenticated_role_arn"', [['description', 'The role signed-in users get.'], ['value', raw(`${TF.role}.arn`)]]));
  parts.push(block('output "oidc_provider_arn"', [['description', 'The IAM OIDC provider.'], ['value', raw(`${TF.provider}.arn`)]]));
  parts.push(block('output "logins_key"', [['description', 'The key of the Logins map apps send with the Auth0 ID token.'], ['value', raw('var.auth0_domain')]]));
  return `${parts.join('\n\n')}\n`;
}
