/**
 * The setup as a CloudFormation template (YAML): the IAM OIDC provider, the identity pool, the
 * authenticated role (trust pinned to the pool with !Ref, the minimal inline policy) and the
 * pool's role attachment; the Auth0 domain and client ID are parameters; the pool id and the
 * role ARN are outputs. Pure: the model in, the text out.
 */
import { isRef, type Doc, type Ref, type SetupModel } from './model';
import { commentLines, yamlString } from './text';

/** A YAML node: scalars, CloudFormation's short-form functions, sequences and mappings. */
type Y = string | number | boolean | null | Fn | Y[] | { [key: string]: Y };
interface Fn {
  fn: '!Ref' | '!GetAtt' | '!Sub';
  arg: string;
}
const isFn = (v: unknown): v is Fn => v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as Fn).fn === 'string' && Object.keys(v).length === 2;

const LOGICAL = { provider: 'Auth0OidcProvider', pool: 'IdentityPool', role: 'AuthenticatedRole', attachment: 'IdentityPoolRoles', principalTags: 'Auth0PrincipalTags' } as const;

/** The RoleMappings key of the Auth0 provider's mapping (its IdentityProvider is the Auth0Domain parameter). */
export const CFN_AUTH0_MAPPING_KEY = 'Auth0';

const ref = (arg: string): Fn => ({ fn: '!Ref', arg });
const getAtt = (arg: string): Fn => ({ fn: '!GetAtt', arg });

function refOf(r: Ref): Fn {
  if (r.ref === 'poolId') return ref(LOGICAL.pool);
  if (r.ref === 'providerArn') return ref(LOGICAL.provider);
  return getAtt(`${LOGICAL.role}.Arn`);
}

function fromDoc(d: Doc): Y {
  if (isRef(d)) return refOf(d);
  if (Array.isArray(d)) return d.map(fromDoc);
  if (d !== null && typeof d === 'object') return Object.fromEntries(Object.entries(d).map(([k, v]) => [k, fromDoc(v)]));
  return d;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const key = (k: string): string => (PLAIN_KEY.test(k) ? k : yamlString(k));

function scalar(v: Y): string | undefined {
  if (typeof v === 'string') return yamlString(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : yamlString(String(v));
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null) return 'null';
  if (isFn(v)) return `${v.fn} ${v.fn === '!GetAtt' ? v.arg : yamlString(v.arg)}`;
  if (Array.isArray(v) && v.length === 0) return '[]';
  if (!Array.isArray(v) && Object.keys(v).length === 0) return '{}';
  return undefined;
}

/** The lines of `v` as a block at `indent` spaces. */
function lines(v: Y, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const out: string[] = [];
  if (Array.isArray(v)) {
    for (const item of v) {
      const s = scalar(item);
      if (s !== undefined) {
        out.push(`${pad}- ${s}`);
      } else {
        const inner = lines(item, indent + 2);
        out.push(`${pad}- ${(inner[0] ?? '').trimStart()}`, ...inner.slice(1));
      }
    }
    return out;
  }
  for (const [k, x] of Object.entries(v as Record<string, Y>)) {
    const s = scalar(x);
    if (s !== undefined) out.push(`${pad}${key(k)}: ${s}`);
    else out.push(`${pad}${key(k)}:`, ...lines(x, indent + 2));
  }
  return out;
}

const tagList = (tags: Record<string, string>): Y[] => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/** The Auth0 domain as CloudFormation accepts it: a host (and port, path), no scheme, no trailing slash. */
export const CFN_DOMAIN_PATTERN = '^[A-Za-z0-9][A-Za-z0-9.-]*(:[0-9]{1,5})?(/[A-Za-z0-9._~%!$&\'()*+,;=:@-]+)*$';

/** The CloudFormation template for the setup. */
export function renderCloudFormation(m: SetupModel): string {
  const head: string[] = [
    `Auth0 -> Amazon Cognito identity pool: the setup "${m.name}" as a CloudFormation template.`,
    'Exported by Auth0 Cognito Bridge from the same plan `auth0-cognito setup --apply` makes.',
    `Deploy: aws cloudformation deploy --region ${m.region} --template-file setup.yaml --stack-name STACK --capabilities CAPABILITY_NAMED_IAM`,
    `Apps sign in with Logins = { "${m.auth0.domain}": <Auth0 ID token> } (the Logins key has no https:// and no trailing slash).`,
  ].flatMap((l) => commentLines('# ', l, 160));
  const exists: string[] = [];
  if (m.provider.existingArn) exists.push(`The IAM OIDC provider ${m.provider.existingArn} exists already. IAM allows one provider per URL, so a stack that creates ${LOGICAL.provider} fails on it: import it into the stack (CloudFormation resource import; add DeletionPolicy: Retain) or create the stack where it does not exist.`);
  if (m.pool.existingId) exists.push(`The identity pool ${m.pool.existingId} ("${m.pool.name}") exists already: this template creates a new pool with the same settings unless you import it (CloudFormation resource import).`);
  if (m.role.existingArn) exists.push(`The role ${m.role.existingArn} exists already: a stack that creates ${m.role.name} fails on the name unless you import it (CloudFormation resource import).`);
  const notes = [...exists, ...m.notes].flatMap((n) => ['#', ...commentLines('# ', n)]);

  const otherClientIds = m.provider.clientIds.filter((c) => c !== m.auth0.clientId);
  const providerProps: Record<string, Y> = {
    Url: { fn: '!Sub', arg: 'https://${Auth0Domain}' },
    ClientIdList: [ref('Auth0ClientId'), ...otherClientIds],
  };
  if (m.provider.thumbprints.length) providerProps.ThumbprintList = [...m.provider.thumbprints];
  if (Object.keys(m.provider.tags).length) providerProps.Tags = tagList(m.provider.tags);

  const poolProps: Record<string, Y> = {
    IdentityPoolName: m.pool.name,
    AllowUnauthenticatedIdentities: m.pool.allowUnauthenticated,
    AllowClassicFlow: m.pool.allowClassicFlow,
    OpenIdConnectProviderARNs: [...m.pool.otherProviderArns, ref(LOGICAL.provider)],
  };
  if (Object.keys(m.pool.supportedLoginProviders).length) poolProps.SupportedLoginProviders = { ...m.pool.supportedLoginProviders };
  if (m.pool.developerProviderName) poolProps.DeveloperProviderName = m.pool.developerProviderName;
  if (m.pool.cognitoIdentityProviders.length) {
    poolProps.CognitoIdentityProviders = m.pool.cognitoIdentityProviders.map((c) => ({ ProviderName: c.providerName, ClientId: c.clientId, ServerSideTokenCheck: c.serverSideTokenCheck }));
  }
  if (m.pool.samlProviderArns.length) poolProps.SamlProviderARNs = [...m.pool.samlProviderArns];
  if (Object.keys(m.pool.tags).length) poolProps.IdentityPoolTags = tagList(m.pool.tags);

  const roleProps: Record<string, Y> = { RoleName: m.role.name };
  if (m.role.path !== '/') roleProps.Path = m.role.path;
  if (m.role.description) roleProps.Description = m.role.description;
  roleProps.AssumeRolePolicyDocument = fromDoc(m.role.trustPolicy);
  if (m.inlinePolicy) roleProps.Policies = [{ PolicyName: m.inlinePolicy.name, PolicyDocument: fromDoc(m.inlinePolicy.document) }];
  if (Object.keys(m.role.tags).length) roleProps.Tags = tagList(m.role.tags);

  const roles: Record<string, Y> = {};
  for (const [k, v] of Object.entries(m.rolesAttachment.roles)) roles[k] = typeof v === 'string' ? v : refOf(v);
  const attachment: Record<string, Y> = { IdentityPoolId: ref(LOGICAL.pool), Roles: roles };
  // RoleMappings: a map whose keys are labels when IdentityProvider is given; the Auth0
  // provider's name is the Auth0Domain parameter (the Logins key), the others are as they are.
  const mappings: Record<string, Y> = {};
  for (const rm of m.rolesAttachment.roleMappings) {
    const k = rm.auth0 && !m.rolesAttachment.roleMappings.some((o) => o.provider === CFN_AUTH0_MAPPING_KEY) ? CFN_AUTH0_MAPPING_KEY : rm.provider;
    const one: Record<string, Y> = {
      IdentityProvider: rm.auth0 && rm.provider === m.auth0.domain ? ref('Auth0Domain') : rm.provider,
      Type: rm.type,
    };
    if (rm.ambiguousRoleResolution) one.AmbiguousRoleResolution = rm.ambiguousRoleResolution;
    if (rm.rules.length) one.RulesConfiguration = { Rules: rm.rules.map((r) => ({ Claim: r.claim, MatchType: r.matchType, Value: r.value, RoleARN: typeof r.roleArn === 'string' ? r.roleArn : refOf(r.roleArn) })) };
    mappings[k] = one;
  }
  if (Object.keys(mappings).length) attachment.RoleMappings = mappings;
  const resources: Record<string, Y> = {
    [LOGICAL.provider]: { Type: 'AWS::IAM::OIDCProvider', Properties: providerProps },
    [LOGICAL.pool]: { Type: 'AWS::Cognito::IdentityPool', Properties: poolProps },
    [LOGICAL.role]: { Type: 'AWS::IAM::Role', Properties: roleProps },
    [LOGICAL.attachment]: { Type: 'AWS::Cognito::IdentityPoolRoleAttachment', Properties: attachment },
  };
  const pt = m.principalTags;
  if (pt) {
    const props: Record<string, Y> = {
      IdentityPoolId: ref(LOGICAL.pool),
      IdentityProviderName: pt.provider === m.auth0.domain ? ref('Auth0Domain') : pt.provider,
      UseDefaults: pt.useDefaults,
    };
    if (!pt.useDefaults) props.PrincipalTags = { ...pt.tags };
    resources[LOGICAL.principalTags] = { Type: 'AWS::Cognito::IdentityPoolPrincipalTag', Properties: props };
  }

  const template: Record<string, Y> = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `Auth0 sign-in for the Cognito identity pool ${m.pool.name} (Auth0 Cognito Bridge setup ${m.name}).`.slice(0, 1024),
    Parameters: {
      Auth0Domain: {
        Type: 'String',
        Description: 'The Auth0 tenant domain (or custom domain) without https:// and without a trailing slash: the IAM OIDC provider URL is https://<this>, and apps use it as the Logins key.',
        Default: m.auth0.domain,
        AllowedPattern: CFN_DOMAIN_PATTERN,
        ConstraintDescription: 'a host name (optionally :port and a path) without https:// and without a trailing slash',
      },
      Auth0ClientId: {
        Type: 'String',
        Description: 'The Auth0 application\'s Client ID: the audience the IAM OIDC provider accepts.',
        Default: m.auth0.clientId,
        MinLength: 1,
        MaxLength: 255,
      },
    },
    Resources: resources,
    Outputs: {
      IdentityPoolId: { Description: 'The identity pool id (GetId / fromCognitoIdentityPool).', Value: ref(LOGICAL.pool) },
      AuthenticatedRoleArn: { Description: 'The role signed-in users get.', Value: getAtt(`${LOGICAL.role}.Arn`) },
      OidcProviderArn: { Description: 'The IAM OIDC provider.', Value: ref(LOGICAL.provider) },
      LoginsKey: { Description: 'The key of the Logins map apps send with the Auth0 ID token.', Value: ref('Auth0Domain') },
    },
  };
  return [...head, ...notes, '', ...lines(template, 0), ''].join('\n');
}
