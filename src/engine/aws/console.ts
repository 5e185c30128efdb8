/** Links to the AWS console page of a resource. */

function consoleDomain(region: string): string {
  if (region.startsWith('cn-')) return 'console.amazonaws.cn';
  if (region.startsWith('us-gov-')) return 'console.amazonaws-us-gov.com';
  return 'console.aws.amazon.com';
}

export type ConsoleTarget =
  | { kind: 'provider'; arn: string }
  | { kind: 'role'; name: string }
  | { kind: 'pool'; poolId: string };

/**
 * The AWS console page of a resource. IAM is global but its console lives under a region's host
 * like the others; an identity pool's page is in the pool's own region (the prefix of its id).
 */
export function consoleUrl(t: ConsoleTarget, region: string): string {
  const host = (r: string) => `https://${r}.${consoleDomain(r)}`;
  switch (t.kind) {
    case 'provider':
      return `${host(region)}/iam/home?region=${region}#/identity_providers/details/OPENID/${encodeURIComponent(t.arn)}`;
    case 'role':
      return `${host(region)}/iam/home?region=${region}#/roles/details/${encodeURIComponent(t.name)}?section=permissions`;
    case 'pool': {
      const r = /^([a-z]{2}(?:-[a-z]+)+-\d+):/.exec(t.poolId)?.[1] ?? region;
      return `${host(r)}/cognito/v2/identity/identity-pools/${t.poolId}/user-statistics?region=${r}`;
    }
    default: {
      const never: never = t;
      return String(never);
    }
  }
}
