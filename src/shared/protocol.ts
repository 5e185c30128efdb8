/**
 * Messages between the extension host and its webviews: both sides import this file.
 * Every message from a webview is untrusted input: the host checks it with the parse*
 * functions here before acting on it.
 */
import type { ThumbprintResult } from '../engine/thumbprint';
import type { DecodeResult, DecodedToken, TokenProblem } from '../engine/token/decode';
import type { SignatureResult } from '../engine/token/jwks';
import type { PreflightReport, RuleId } from '../engine/token/preflight';
import type { ExchangeResult } from '../engine/aws/exchange';
import type { StepId, StepInspection, SetupPlan, StepOutcome, SetupOutputs, PlanId } from '../engine/setup/types';
import type { Snippets } from '../engine/setup/snippets';
import type { AmbiguousRoleResolution, RoleMappingConfig } from '../engine/aws/roleMapping';
import type { PrincipalTagsConfig } from '../engine/aws/principalTags';

// ---- Thumbprint result view ----

/** Host -> webview */
export type ThumbprintHostMessage =
  | { type: 'show'; result: ThumbprintResult }
  | { type: 'copied'; label: string }
  | { type: 'copyFailed'; label: string };

/** Webview -> host */
export type ThumbprintViewMessage =
  | { type: 'ready' }
  | { type: 'copy'; field: 'thumbprint' | 'report' }
  | { type: 'copy'; field: 'sha1' | 'sha256' | 'pem'; index: number }
  | { type: 'recompute' };

export function parseThumbprintViewMessage(m: unknown): ThumbprintViewMessage | undefined {
  if (typeof m !== 'object' || m === null) return undefined;
  const o = m as Record<string, unknown>;
  switch (o.type) {
    case 'ready':
    case 'recompute':
      return { type: o.type };
    case 'copy':
      if (o.field === 'thumbprint' || o.field === 'report') return { type: 'copy', field: o.field };
      if ((o.field === 'sha1' || o.field === 'sha256' || o.field === 'pem') && Number.isInteger(o.index) && (o.index as number) >= 0 && (o.index as number) < 20) {
        return { type: 'copy', field: o.field, index: o.index as number };
      }
      return undefined;
    default:
      return undefined;
  }
}

// ---- Token inspector ----


/**
 * The decoded token as the inspector view sees it: everything but the token itself (`raw`,
 * hence also its signature). The token stays in the extension host, which needs it for the
 * signature check and the exchange; the webview, and the state it persists, never hold it.
 */
export type InspectorTokenView = Omit<DecodedToken, 'raw'> | Omit<TokenProblem, 'raw'>;

/** What the view gets of a decode result (see InspectorTokenView). Claims are already depth-bounded by decodeToken. */
export function inspectorTokenView(d: DecodeResult): InspectorTokenView {
  const { raw: _raw, ...view } = d;
  return view;
}

/** Everything the inspector view shows; the host owns it and posts it whole. Holds no token. */
export interface InspectorViewState {
  decoded: InspectorTokenView;
  signature: SignatureResult | { status: 'checking' } | undefined;
  /** The identity pool the preflight runs against (typed or picked). */
  poolId: string;
  preflight: PreflightReport | undefined;
  /** What could not be read about the target (each a sentence). */
  notes: string[];
  /** Which target the report is for: 'token only' or the pool id. */
  reportTarget: string | undefined;
  exchange: (ExchangeResult & { agreesWithPrediction: boolean; prediction: string | undefined }) | undefined;
  /** Results of applied fixes, by rule. */
  fixes: Partial<Record<RuleId, { ok: boolean; message: string }>>;
  /** What the host is doing now (progress), if anything. */
  busy: string | undefined;
  error: { message: string; hint: string } | undefined;
}

/** Host -> webview */
export type InspectorHostMessage = { type: 'state'; state: InspectorViewState };

/** Webview -> host */
export type InspectorViewMessage =
  | { type: 'ready' }
  | { type: 'runPreflight'; poolId: string }
  | { type: 'pickPool' }
  | { type: 'applyFix'; ruleId: RuleId }
  | { type: 'exchange' }
  | { type: 'copy'; field: 'header' | 'claims' | 'report' }
  | { type: 'inspectAnother' };

const RULE_ID = /^[a-z]+(\.[a-zA-Z]+){1,3}$/;

export function parseInspectorViewMessage(m: unknown): InspectorViewMessage | undefined {
  if (!plainWithKeys(m, ['type'], ['poolId', 'ruleId', 'field'])) return undefined;
  const o = m;
  switch (o.type) {
    case 'ready':
    case 'pickPool':
    case 'exchange':
    case 'inspectAnother':
      return plainWithKeys(o, ['type']) ? { type: o.type } : undefined;
    case 'runPreflight':
      return plainWithKeys(o, ['type', 'poolId']) && typeof o.poolId === 'string' && o.poolId.length <= 200 ? { type: 'runPreflight', poolId: o.poolId } : undefined;
    case 'applyFix':
      return plainWithKeys(o, ['type', 'ruleId']) && typeof o.ruleId === 'string' && o.ruleId.length <= 100 && RULE_ID.test(o.ruleId) ? { type: 'applyFix', ruleId: o.ruleId as RuleId } : undefined;
    case 'copy':
      return plainWithKeys(o, ['type', 'field']) && (o.field === 'header' || o.field === 'claims' || o.field === 'report') ? { type: 'copy', field: o.field } : undefined;
    default:
      return undefined;
  }
}

// ---- Setup wizard (sidebar webview view) ----


/** What the user types in the wizard (saved per workspace; never a secret). */
export interface WizardForm {
  domain: string;
  clientId: string;
  poolName: string;
  roleName: string;
}

/** A plan the wizard shows and applies ({ type: 'apply', step: id }): a step's, or the sign-in callback URL's. */
export interface WizardPlanHolder {
  id: PlanId;
  title: string;
  plan: SetupPlan | undefined;
  outcome: StepOutcome | undefined;
  /** Planning failed: why. */
  error: { message: string; hint: string } | undefined;
}

export interface WizardStepView extends WizardPlanHolder {
  id: StepId;
  description: string;
  inspection: StepInspection | undefined;
}

/**
 * The AWS side as the settings give it. The endpoint and the extra CAs are shown whenever they
 * are set (they send calls, and the ID token, somewhere other than AWS, or trust another CA).
 */
export interface WizardAwsView {
  profile: string;
  region: string;
  /** Empty: the real AWS endpoints. */
  endpoint: string;
  /** Extra CA certificate files trusted for every HTTPS call (resolved paths). */
  extraCaCertificates: string[];
  /** Settings a workspace tried to set and that were ignored (user settings only), e.g. `auth0Cognito.aws.endpoint`. */
  ignoredWorkspaceSettings: string[];
}

export interface WizardViewState {
  form: WizardForm;
  /** From the extension settings (changed there). */
  aws: WizardAwsView;
  /** Management API access stored in SecretStorage for this domain. */
  management: 'none' | 'token' | 'clientCredentials';
  steps: WizardStepView[];
  outputs: SetupOutputs;
  /** The ID token for "Try it", described (the token itself stays in the extension host). */
  token: { source: 'sign-in' | 'pasted'; summary: string } | undefined;
  /** A plan that is not a step's: adding the sign-in callback URL. */
  callbackPlan: (WizardPlanHolder & { id: 'callbackUrl'; redirectUri: string }) | undefined;
  snippets: Snippets | undefined;
  /** Why a form field is not valid (the host checks the form before any call), by field. */
  fieldErrors: WizardFieldErrors;
  /** What "Use in Setup Wizard" in the Resources view picked (shown, with a way to clear it). */
  picked: WizardPicked | undefined;
  /** "Roles by user" (optional step). */
  roles: WizardRolesView;
  busy: string | undefined;
  error: { message: string; hint: string } | undefined;
}

/**
 * "Roles by user" (issue 13): what the wizard will set up (saved per workspace, part of the
 * config the step plans) and, for the current token, which role Cognito will choose.
 */
export interface WizardRolesView {
  mapping: RoleMappingConfig | undefined;
  principalTags: PrincipalTagsConfig | undefined;
  /** For the token of "Try it" (none: undefined). */
  prediction: {
    roleArn: string | undefined;
    denied: boolean;
    why: string;
    error: string | undefined;
    /** "key = value" per session tag the credentials will carry. */
    tags: string[];
  } | undefined;
  /** Claims of the current token a rule can test (name and value, bounded). */
  claims: Array<{ name: string; value: string }>;
  /** Claims the rules test that the token does not have: an Auth0 Action must add them. */
  missingClaims: string[];
}

/** Field errors of the form; `picked` is for the pool or role picked in the Resources view. */
export type WizardFieldErrors = Partial<Record<keyof WizardForm | 'picked', string>>;

/** A pool or role picked in the Resources view, as the wizard shows it. */
export interface WizardPicked {
  poolId?: string | undefined;
  roleArn?: string | undefined;
  /** The region it was picked in; the wizard uses it only while the settings name the same region. */
  region: string | undefined;
  /** False when the region setting differs now (then it is not used). */
  used: boolean;
}

export type WizardHostMessage = { type: 'state'; state: WizardViewState };

/** The formats "Export as code" writes (issue 10): CloudFormation YAML, Terraform HCL, an AWS CLI script. */
export const EXPORT_FORMATS = ['cloudformation', 'terraform', 'cli'] as const;
export type ExportFormatId = (typeof EXPORT_FORMATS)[number];

export type WizardViewMessage =
  | { type: 'ready' }
  /** Save the form and check every step (read-only); nothing is called while a field is invalid. */
  | { type: 'check'; form: WizardForm }
  | { type: 'clearPicked' }
  | { type: 'plan'; step: StepId }
  | { type: 'apply'; step: PlanId }
  | { type: 'setManagement' }
  | { type: 'clearManagement' }
  | { type: 'signIn' }
  | { type: 'pasteToken' }
  | { type: 'copy'; text: 'snippet-typescript' | 'snippet-swift' | 'snippet-kotlin' | `value:${string}` }
  | { type: 'openSettings' }
  /** Roles by user: add a rule (the host asks claim, operator, value and role), remove one, settings. */
  | { type: 'addRule' }
  | { type: 'removeRule'; index: number }
  | { type: 'setMappingType'; value: 'none' | 'Rules' | 'Token' }
  | { type: 'setAmbiguous'; value: AmbiguousRoleResolution }
  | { type: 'setDefaultTags'; value: boolean }
  /** The Auth0 Action that adds the claims the rules need, in an editor. */
  | { type: 'openActionCode' }
  /** Open the Getting Started walkthrough. */
  | { type: 'openWalkthrough' }
  /** "Use it in your app": the snippet in an untitled editor of its language. */
  | { type: 'openSnippet'; lang: 'typescript' | 'swift' | 'kotlin' }
  /** Export the setup as code, opened in an untitled editor (issue 10). */
  | { type: 'export'; format: ExportFormatId }
  /** Plan removing what the setup created (shown in a dialog first). */
  | { type: 'teardown' }
  | { type: 'cancel' };

const STEP = /^(connections|auth0App|oidcProvider|identityPool|authenticatedRole|roleMappings|tryIt)$/;
const FORM_FIELD_MAX = 300;
const FORM_FIELDS = ['domain', 'clientId', 'poolName', 'roleName'] as const;

/** A plain object (not an array, not a class instance) whose own keys are exactly `keys` (some optional). */
function plainWithKeys(v: unknown, required: readonly string[], optional: readonly string[] = []): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  const keys = Reflect.ownKeys(v);
  if (keys.length > required.length + optional.length) return false;
  for (const k of keys) if (typeof k !== 'string' || (!required.includes(k) && !optional.includes(k))) return false;
  return required.every((k) => Object.prototype.hasOwnProperty.call(v, k));
}

/** The form of a `check` message (or a script's argument to the check command), or undefined. */
export function parseWizardForm(f: unknown): WizardForm | undefined {
  if (!plainWithKeys(f, FORM_FIELDS)) return undefined;
  if (!FORM_FIELDS.every((k) => typeof f[k] === 'string' && (f[k] as string).length <= FORM_FIELD_MAX)) return undefined;
  return { domain: f.domain as string, clientId: f.clientId as string, poolName: f.poolName as string, roleName: f.roleName as string };
}

/** Checks a message from the wizard webview: exactly the fields of one message type, else undefined. */
export function parseWizardViewMessage(m: unknown): WizardViewMessage | undefined {
  if (!plainWithKeys(m, ['type'], ['form', 'step', 'text', 'format', 'lang', 'index', 'value'])) return undefined;
  const o = m;
  switch (o.type) {
    case 'ready': case 'clearPicked': case 'setManagement': case 'clearManagement': case 'signIn': case 'pasteToken': case 'openSettings': case 'cancel': case 'teardown': case 'openWalkthrough': case 'addRule': case 'openActionCode':
      return plainWithKeys(o, ['type']) ? { type: o.type } : undefined;
    case 'removeRule':
      return plainWithKeys(o, ['type', 'index']) && Number.isInteger(o.index) && (o.index as number) >= 0 && (o.index as number) < 25 ? { type: 'removeRule', index: o.index as number } : undefined;
    case 'setMappingType':
      return plainWithKeys(o, ['type', 'value']) && (o.value === 'none' || o.value === 'Rules' || o.value === 'Token') ? { type: 'setMappingType', value: o.value } : undefined;
    case 'setAmbiguous':
      return plainWithKeys(o, ['type', 'value']) && (o.value === 'AuthenticatedRole' || o.value === 'Deny') ? { type: 'setAmbiguous', value: o.value } : undefined;
    case 'setDefaultTags':
      return plainWithKeys(o, ['type', 'value']) && typeof o.value === 'boolean' ? { type: 'setDefaultTags', value: o.value } : undefined;
    case 'openSnippet':
      return plainWithKeys(o, ['type', 'lang']) && (o.lang === 'typescript' || o.lang === 'swift' || o.lang === 'kotlin') ? { type: 'openSnippet', lang: o.lang } : undefined;
    case 'export':
      return plainWithKeys(o, ['type', 'format']) && (EXPORT_FORMATS as readonly unknown[]).includes(o.format) ? { type: 'export', format: o.format as ExportFormatId } : undefined;
    case 'check': {
      const form = plainWithKeys(o, ['type', 'form']) ? parseWizardForm(o.form) : undefined;
      return form ? { type: 'check', form } : undefined;
    }
    case 'plan':
      return plainWithKeys(o, ['type', 'step']) && typeof o.step === 'string' && STEP.test(o.step) ? { type: 'plan', step: o.step as StepId } : undefined;
    case 'apply':
      return plainWithKeys(o, ['type', 'step']) && typeof o.step === 'string' && (STEP.test(o.step) || o.step === 'callbackUrl') ? { type: 'apply', step: o.step as PlanId } : undefined;
    case 'copy':
      if (!plainWithKeys(o, ['type', 'text'])) return undefined;
      if (o.text === 'snippet-typescript' || o.text === 'snippet-swift' || o.text === 'snippet-kotlin') return { type: 'copy', text: o.text };
      if (typeof o.text === 'string' && /^value:[A-Za-z]{1,40}$/.test(o.text)) return { type: 'copy', text: o.text as `value:${string}` };
      return undefined;
    default:
      return undefined;
  }
}

