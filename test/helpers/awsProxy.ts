/**
 * An HTTP proxy in front of moto that records the AWS action of every request (IAM/STS: the
 * form body's Action=...; Cognito: the X-Amz-Target header) and can deny chosen actions: it then
 * answers as IAM does for a missing permission (HTTP 403, the query protocol's ErrorResponse XML
 * with Code AccessDenied), so the SDK and the engine see a real AccessDenied on the wire.
 *
 *   const proxy = await startAwsProxy(moto.endpoint);
 *   proxy.denyOnce('DeleteRole');                 // the next DeleteRole is refused, once
 *   ... use proxy.url as the AWS endpoint (config, clients, AWS_ENDPOINT_URL) ...
 *   proxy.actions / proxy.writes()                // what went through
 *
 * Used where the engine's own clients cannot be instrumented (the CLI in-process builds its own,
 * the AWS CLI of the exported script, the bench's side-by-side run) or where a failure must come
 * from the wire.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isWrite } from './awsCalls';

export interface ProxiedRequest {
  /** From the SigV4 credential scope: 'iam', 'cognito-identity', 'sts' (anything else as signed). */
  service: string;
  action: string;
  denied: boolean;
}

/**
 * The service and action of a request: the service from the SigV4 credential scope (the SDK and
 * the AWS CLI sign every call), the action from X-Amz-Target (JSON protocol: Cognito) or the
 * query protocol's Action (form body or query string: IAM, STS).
 */
export function actionOf(req: http.IncomingMessage, body: Buffer): { service: string; action: string } {
  const auth = String(req.headers.authorization ?? '');
  const target = String(req.headers['x-amz-target'] ?? '');
  const text = body.toString('utf8');
  const scoped = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(auth)?.[1];
  const service = scoped ?? (target ? 'cognito-identity' : /Action=GetCallerIdentity|Action=AssumeRole/.test(text) ? 'sts' : 'iam');
  if (target) return { service, action: target.split('.').pop() ?? target };
  const action = new URLSearchParams(text).get('Action') ?? new URL(req.url ?? '/', 'http://x').searchParams.get('Action') ?? `${req.method} ${req.url}`;
  return { service, action };
}

export interface AwsProxy {
  url: string;
  /** Every request, in order. */
  readonly requests: ProxiedRequest[];
  /** The write actions that reached moto (denied ones excluded), from request `from` on. */
  writes(from?: number): string[];
  /** Answers the next `times` requests for `action` with IAM's AccessDenied (default once). */
  denyOnce(action: string, times?: number): void;
  close(): Promise<void>;
}

function accessDenied(action: string): string {
  return `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <Error>
    <Type>Sender</Type>
    <Code>AccessDenied</Code>
    <Message>User: arn:aws:iam::123456789012:user/test is not authorized to perform: iam:${action} with an explicit deny in an identity-based policy</Message>
  </Error>
  <RequestId>00000000-0000-0000-0000-000000000000</RequestId>
</ErrorResponse>`;
}

export async function startAwsProxy(target: string): Promise<AwsProxy> {
  const upstream = new URL(target);
  const requests: ProxiedRequest[] = [];
  const deny = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const { service, action } = actionOf(req, body);
      const left = deny.get(action) ?? 0;
      if (left > 0 && service === 'iam') {
        deny.set(action, left - 1);
        requests.push({ service, action, denied: true });
        res.writeHead(403, { 'content-type': 'text/xml' });
        res.end(accessDenied(action));
        return;
      }
      requests.push({ service, action, denied: false });
      const up = http.request({
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host, 'content-length': String(body.length) },
      }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', (e) => {
        res.writeHead(502);
        res.end(String(e));
      });
      up.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    writes: (from = 0) => requests.slice(from).filter((r) => !r.denied && isWrite(r)).map((r) => r.action),
    denyOnce(action, times = 1) {
      deny.set(action, times);
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
