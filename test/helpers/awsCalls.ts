import type { AwsClients } from '../../src/engine/aws/sdk';

/** One request an AWS SDK client really sent (after serialization). */
export interface SentRequest {
  service: 'iam' | 'cognito-identity' | 'sts';
  action: string;
  body: string;
}

/** A write: anything but STS and Get/List/Describe calls. */
export const isWrite = (s: { service: string; action: string }): boolean => s.service !== 'sts' && !/^(Get|List|Describe)/.test(s.action);

/**
 * Records every request the engine's clients send into `sent`, with an SDK middleware (no mock:
 * the requests still go to moto). `around` may wrap the sending, read at each request, e.g. to
 * act before it goes out, hold it, or count requests in flight.
 */
export function recordRequests(c: AwsClients, sent: SentRequest[], around?: () => ((s: SentRequest, send: () => Promise<unknown>) => Promise<unknown>) | undefined): void {
  const add = (client: { middlewareStack: { add: (mw: any, opts: any) => void } }, service: SentRequest['service']) => {
    client.middlewareStack.add(
      (next: any) => async (args: any) => {
        const req = args.request as { headers: Record<string, string>; body?: unknown };
        const body = typeof req.body === 'string' ? req.body : req.body instanceof Uint8Array ? new TextDecoder().decode(req.body) : '';
        const target = req.headers['x-amz-target'] ?? req.headers['X-Amz-Target'] ?? '';
        const action = service === 'cognito-identity' ? (target.split('.').pop() ?? '') : (new URLSearchParams(body).get('Action') ?? '');
        const s: SentRequest = { service, action, body };
        sent.push(s);
        const wrap = around?.();
        return wrap ? wrap(s, () => next(args)) : next(args);
      },
      { step: 'build', name: `recordRequests-${service}` },
    );
  };
  add(c.iam, 'iam');
  add(c.cognito, 'cognito-identity');
  add(c.sts, 'sts');
}
