/** Lazy chunk dist/chunks/resources.js: the Resources tree's engine (session, paging, trust summary, actions). */
export { ResourceSession, analyzeCognitoTrust, applyResourceAction, planResourceAction } from '../resources';
export { parseTrustPolicy } from '../aws/trustPolicy';
export { formatPlan } from '../plan';
export { auditResources, findingsByResource, worstSeverity } from '../resources/audit';
export { escapeMarkdownText } from '../../shared/tokenHover';
export { fromAwsRoleMapping } from '../aws/roleMapping';
