/**
 * Listing calls (part of the lazy AWS chunk: re-exported by ./aws.ts).
 */
import { ListIdentityPoolsCommand } from '@aws-sdk/client-cognito-identity';
import { awsError, type AwsClients } from './aws';
import { EngineError, cancelledError } from '../errors';

export interface IdentityPoolSummary {
  id: string;
  name: string;
}

/** One page of ListIdentityPools (MaxResults 1..60). */
export async function listIdentityPoolsPage(clients: AwsClients, nextToken: string | undefined, maxResults = 60, signal?: AbortSignal): Promise<{ pools: IdentityPoolSummary[]; nextToken: string | undefined }> {
  if (signal?.aborted) throw cancelledError();
  try {
    const r = await clients.cognito.send(new ListIdentityPoolsCommand({ MaxResults: Math.max(1, Math.min(60, maxResults)), NextToken: nextToken }), signal ? { abortSignal: signal } : {});
    return {
      pools: (r.IdentityPools ?? []).map((p) => ({ id: p.IdentityPoolId ?? '', name: p.IdentityPoolName ?? '' })).filter((p) => p.id),
      nextToken: r.NextToken || undefined,
    };
  } catch (e) {
    if (signal?.aborted) throw cancelledError();
    throw awsError(e, 'cognito-identity:ListIdentityPools', clients.config);
  }
}

/** Every identity pool of the region, following NextToken, up to `limit`. */
export async function listIdentityPools(clients: AwsClients, limit = 1000, signal?: AbortSignal): Promise<{ pools: IdentityPoolSummary[]; truncated: boolean }> {
  const pools: IdentityPoolSummary[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await listIdentityPoolsPage(clients, token, 60, signal);
    pools.push(...page.pools);
    token = page.nextToken;
    if (++pages > 1000) throw new EngineError('AWS', 'ListIdentityPools kept returning pages.', 'Report this with the log.');
  } while (token && pools.length < limit);
  return { pools: pools.slice(0, limit), truncated: Boolean(token) || pools.length > limit };
}
