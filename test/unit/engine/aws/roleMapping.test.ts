/**
 * The role-choice prediction (issue 13), table-driven: each operator, rule order, no match with
 * each AmbiguousRoleResolution, Token type with and without the claims, several cognito:roles
 * without a preferred role, and claims that are lists, numbers and booleans.
 */
import * as assert from 'node:assert/strict';
import {
  ambiguousDenyError,
  fromAwsRoleMapping,
  predictRole,
  roleMappingProblems,
  rolesOfMapping,
  sameRoleMapping,
  toAwsRoleMapping,
  validateRoleMapping,
  type MappingRule,
  type RoleMappingConfig,
  type RolePrediction,
} from '../../../../src/engine/aws/roleMapping';

const A = 'arn:aws:iam::123456789012:role/Admins';
const B = 'arn:aws:iam::123456789012:role/Customers';
const AUTH = 'arn:aws:iam::123456789012:role/Cognito_pool_Auth_Role';
const KEY = 'tenant.auth0.com';
const rule = (claim: string, matchType: MappingRule['matchType'], value: string, roleArn = A): MappingRule => ({ claim, matchType, value, roleArn });
const rules = (rs: MappingRule[], amb: 'AuthenticatedRole' | 'Deny' = 'AuthenticatedRole'): RoleMappingConfig => ({ type: 'Rules', rules: rs, ambiguousRoleResolution: amb });
const token = (amb: 'AuthenticatedRole' | 'Deny'): RoleMappingConfig => ({ type: 'Token', ambiguousRoleResolution: amb });

interface Row {
  name: string;
  claims: Record<string, unknown>;
  mapping: RoleMappingConfig | undefined;
  auth?: string | undefined;
  custom?: string;
  role: string | undefined;
  denied?: boolean;
  matched?: number;
  error?: string;
  why?: RegExp;
  noted?: boolean;
}

const ROWS: Row[] = [
  // No mapping
  { name: 'no mapping: the authenticated role', claims: {}, mapping: undefined, role: AUTH, why: /No role mapping for tenant\.auth0\.com/ },
  { name: 'no mapping and no authenticated role: invalid configuration', claims: {}, mapping: undefined, auth: undefined, role: undefined, denied: true, error: 'Invalid identity pool configuration. Check assigned IAM roles for this pool.' },
  // Each operator, matching and not
  { name: 'Equals matches', claims: { tenant: 'acme' }, mapping: rules([rule('tenant', 'Equals', 'acme')]), role: A, matched: 0 },
  { name: 'Equals is case-sensitive', claims: { tenant: 'ACME' }, mapping: rules([rule('tenant', 'Equals', 'acme')]), role: AUTH },
  { name: 'Contains matches a substring', claims: { email: 'jo@acme.com' }, mapping: rules([rule('email', 'Contains', '@acme.')]), role: A, matched: 0 },
  { name: 'Contains does not match', claims: { email: 'jo@globex.com' }, mapping: rules([rule('email', 'Contains', '@acme.')]), role: AUTH },
  { name: 'StartsWith matches', claims: { dept: 'sales-emea' }, mapping: rules([rule('dept', 'StartsWith', 'sales')]), role: A, matched: 0 },
  { name: 'StartsWith does not match a suffix', claims: { dept: 'presales' }, mapping: rules([rule('dept', 'StartsWith', 'sales')]), role: AUTH },
  { name: 'NotEqual matches another value', claims: { plan: 'free' }, mapping: rules([rule('plan', 'NotEqual', 'paid')]), role: A, matched: 0 },
  { name: 'NotEqual does not match the value', claims: { plan: 'paid' }, mapping: rules([rule('plan', 'NotEqual', 'paid')]), role: AUTH },
  { name: 'NotEqual does not match a missing claim', claims: {}, mapping: rules([rule('plan', 'NotEqual', 'paid')]), role: AUTH, why: /none of the 1 rule matches/i },
  { name: 'a missing claim matches no Equals rule', claims: {}, mapping: rules([rule('tenant', 'Equals', 'acme')]), role: AUTH },
  // Rule order: the first match wins
  { name: 'two rules match: the first wins', claims: { tenant: 'acme', admin: 'yes' }, mapping: rules([rule('admin', 'Equals', 'yes', A), rule('tenant', 'Equals', 'acme', B)]), role: A, matched: 0 },
  { name: 'the same rules in the other order', claims: { tenant: 'acme', admin: 'yes' }, mapping: rules([rule('tenant', 'Equals', 'acme', B), rule('admin', 'Equals', 'yes', A)]), role: B, matched: 0 },
  { name: 'the second rule matches when the first does not', claims: { tenant: 'acme' }, mapping: rules([rule('admin', 'Equals', 'yes', A), rule('tenant', 'Equals', 'acme', B)]), role: B, matched: 1 },
  // No match, each AmbiguousRoleResolution
  { name: 'no match + AuthenticatedRole: the authenticated role', claims: { tenant: 'globex' }, mapping: rules([rule('tenant', 'Equals', 'acme')], 'AuthenticatedRole'), role: AUTH, why: /AmbiguousRoleResolution is AuthenticatedRole/ },
  { name: 'no match + Deny: denied with the exact error', claims: { tenant: 'globex' }, mapping: rules([rule('tenant', 'Equals', 'acme')], 'Deny'), role: undefined, denied: true, error: 'The ambiguous role mapping rules for: tenant.auth0.com denied this request.' },
  { name: 'no match + AuthenticatedRole without an authenticated role', claims: {}, mapping: rules([rule('tenant', 'Equals', 'acme')]), auth: undefined, role: undefined, denied: true, error: 'Invalid identity pool configuration. Check assigned IAM roles for this pool.' },
  // Token
  { name: 'Token: cognito:preferred_role', claims: { 'cognito:preferred_role': B, 'cognito:roles': [A, B] }, mapping: token('Deny'), role: B },
  { name: 'Token: one role in cognito:roles, no preferred role', claims: { 'cognito:roles': [A] }, mapping: token('Deny'), role: A, noted: true },
  { name: 'Token: several roles, no preferred role + AuthenticatedRole', claims: { 'cognito:roles': [A, B] }, mapping: token('AuthenticatedRole'), role: AUTH, why: /2 roles .* \(ambiguous\)/ },
  { name: 'Token: several roles, no preferred role + Deny', claims: { 'cognito:roles': [A, B] }, mapping: token('Deny'), role: undefined, denied: true, error: ambiguousDenyError(KEY) },
  { name: 'Token: cognito:roles as one comma-separated text (as the docs describe it)', claims: { 'cognito:roles': `${A},${B}` }, mapping: token('Deny'), role: undefined, denied: true },
  { name: 'Token: neither claim + AuthenticatedRole', claims: { sub: 'x' }, mapping: token('AuthenticatedRole'), role: AUTH, noted: true },
  { name: 'Token: neither claim + Deny', claims: { sub: 'x' }, mapping: token('Deny'), role: undefined, denied: true, error: ambiguousDenyError(KEY), noted: true },
  { name: 'Token: CustomRoleArn among cognito:roles', claims: { 'cognito:roles': [A, B] }, mapping: token('Deny'), custom: B, role: B },
  { name: 'Token: CustomRoleArn not among cognito:roles is denied', claims: { 'cognito:roles': [A] }, mapping: token('AuthenticatedRole'), custom: B, role: undefined, denied: true },
  // Claims that are not text
  { name: 'a list claim: Contains matches an item (cognito:groups style)', claims: { groups: ['staff', 'admins'] }, mapping: rules([rule('groups', 'Contains', 'admin')]), role: A, matched: 0, noted: true },
  { name: 'a list claim: Equals matches an item', claims: { groups: ['staff', 'admins'] }, mapping: rules([rule('groups', 'Equals', 'admins')]), role: A, noted: true },
  { name: 'a list claim: NotEqual fails when an item equals', claims: { groups: ['staff', 'admins'] }, mapping: rules([rule('groups', 'NotEqual', 'admins')]), role: AUTH, noted: true },
  { name: 'a number claim compared as text', claims: { level: 3 }, mapping: rules([rule('level', 'Equals', '3')]), role: A, noted: true },
  { name: 'a boolean claim compared as text', claims: { is_admin: true }, mapping: rules([rule('is_admin', 'Equals', 'true')]), role: A, noted: true },
  { name: 'a boolean false does not equal "true"', claims: { is_admin: false }, mapping: rules([rule('is_admin', 'Equals', 'true')]), role: AUTH, noted: true },
  { name: 'an object claim matches nothing', claims: { org: { id: 'acme' } }, mapping: rules([rule('org', 'Contains', 'acme')]), role: AUTH, noted: true },
];

describe('role mapping: predictRole (table-driven)', () => {
  for (const r of ROWS) {
    it(r.name, () => {
      const auth = 'auth' in r ? r.auth : AUTH;
      const p: RolePrediction = predictRole(r.claims, r.mapping, auth, { providerName: KEY, ...(r.custom ? { customRoleArn: r.custom } : {}) });
      assert.equal(p.roleArn, r.role, p.why);
      assert.equal(p.denied, r.denied ?? false, p.why);
      if (r.matched !== undefined) assert.equal(p.matchedRule, r.matched);
      else if (!r.denied && r.mapping?.type === 'Rules' && r.role === AUTH) assert.equal(p.matchedRule, undefined);
      if (r.error) assert.equal(p.error, r.error);
      if (p.denied) assert.ok(p.error && p.errorName, 'a denied prediction names the error');
      if (r.why) assert.match(p.why, r.why);
      assert.equal(p.notes.length > 0, r.noted ?? false, `notes: ${p.notes.join(' | ')}`);
      assert.ok(p.why.length > 20);
      if (r.mapping?.type === 'Rules') assert.equal(p.rules.length, r.matched !== undefined ? r.matched + 1 : r.mapping.rules.length, 'rules evaluated up to the first match');
    });
  }

  it('never throws on hostile claims', () => {
    const hostile = Object.create(null) as Record<string, unknown>;
    Object.defineProperty(hostile, 'tenant', { get() { throw new Error('boom'); }, enumerable: true });
    const p = predictRole(hostile, rules([rule('tenant', 'Equals', 'x')]), AUTH);
    assert.equal(typeof p.why, 'string');
  });
});

describe('role mapping: validation and the API shape', () => {
  it('accepts a valid mapping and round-trips through the API shape', () => {
    const m = validateRoleMapping({ type: 'Rules', ambiguousRoleResolution: 'Deny', rules: [rule('https://example.com/roles', 'Contains', 'admin', A)] });
    assert.ok(sameRoleMapping(fromAwsRoleMapping(toAwsRoleMapping(m)), m));
    assert.deepEqual(toAwsRoleMapping(token('Deny')), { Type: 'Token', AmbiguousRoleResolution: 'Deny' });
    assert.equal(fromAwsRoleMapping({ Type: 'Rules', AmbiguousRoleResolution: 'Deny', RulesConfiguration: { Rules: [{ Claim: 'a', MatchType: 'Bogus', Value: 'b', RoleARN: A }] } }), undefined);
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['not an object', 'Rules', /must be an object/],
    ['unknown type', { type: 'Groups', ambiguousRoleResolution: 'Deny' }, /type must be "Rules" or "Token"/],
    ['no resolution', { type: 'Token' }, /ambiguousRoleResolution must be/],
    ['no rules', { type: 'Rules', ambiguousRoleResolution: 'Deny', rules: [] }, /1 to 25 rules/],
    ['26 rules', { type: 'Rules', ambiguousRoleResolution: 'Deny', rules: Array.from({ length: 26 }, () => rule('a', 'Equals', 'b')) }, /26 rules; Cognito allows at most 25/],
    ['claim too long', { type: 'Rules', ambiguousRoleResolution: 'Deny', rules: [rule('c'.repeat(65), 'Equals', 'b')] }, /rules\[0\]\.claim/],
    ['claim with a space', { type: 'Rules', ambiguousRoleResolution: 'Deny', rules: [rule('my claim', 'Equals', 'b')] }, /without spaces/],
    ['empty value', { type: 'Rules', ambiguousRoleResolution: 'Deny', rules: [rule('a', 'Equals', '')] }, /value must be a text of 1 to 128/],
    ['value too long', { type: 'Rules', ambiguousRoleResolution: 'Deny', rules: [rule('a', 'Equals', 'v'.repeat(129))] }, /1 to 128/],
    ['lowercase match type', { type: 'Rules', ambiguousRoleResolution: 'Deny', rules: [{ ...rule('a', 'Equals', 'b'), matchType: 'equals' }] }, /matchType must be one of Equals, Contains, StartsWith, NotEqual/],
    ['a role name, not an ARN', { type: 'Rules', ambiguousRoleResolution: 'Deny', rules: [rule('a', 'Equals', 'b', 'Admins')] }, /is not an IAM role ARN/],
    ['an unknown rule field', { type: 'Rules', ambiguousRoleResolution: 'Deny', rules: [{ ...rule('a', 'Equals', 'b'), role: A }] }, /unknown field "role"/],
    ['rules on a Token mapping', { type: 'Token', ambiguousRoleResolution: 'Deny', rules: [] }, /unknown field "rules"/],
  ];
  for (const [name, input, re] of bad) {
    it(`rejects ${name}`, () => {
      const problems = roleMappingProblems(input);
      assert.ok(problems.some((p) => re.test(p.message)), JSON.stringify(problems));
      assert.throws(() => validateRoleMapping(input), (e: Error) => re.test(e.message) || problems.length > 0);
    });
  }

  it('lists the roles a mapping can choose', () => {
    assert.deepEqual(rolesOfMapping(rules([rule('a', 'Equals', 'b', A), rule('c', 'Equals', 'd', A), rule('e', 'Equals', 'f', B)], 'Deny')), { roleArns: [A, B], authenticatedRole: false, fromToken: false });
    assert.deepEqual(rolesOfMapping(token('AuthenticatedRole')), { roleArns: [], authenticatedRole: true, fromToken: true });
    assert.deepEqual(rolesOfMapping(undefined), { roleArns: [], authenticatedRole: true, fromToken: false });
  });
});
