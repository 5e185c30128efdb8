import * as https from 'node:https';
import { EngineError, cancelledError, networkError, isEngineError } from './errors';
import { TrustSettings, httpsAgent } from './trust';

export interface HttpOptions {
  trust?: TrustSettings;
  timeoutMs?: number;
  signal?: AbortSignal;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Largest body accepted, bytes. */
  maxBytes?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTPS request through the engine's trust settings, with timeout and cancellation. */
export function httpsRequest(url: string, opts: HttpOptions = {}): Promise<HttpResponse> {
  const u = new URL(url);
  if (u.protocol !== 'https:') {
    return Promise.reject(new EngineError('INVALID_INPUT', `${url} is not an https:// URL.`, 'OpenID Connect endpoints must use https://.'));
  }
  const where = u.host;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const maxBytes = opts.maxBytes ?? 5 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(cancelledError());
    let settled = false;
    const req = https.request(u, {
      method: opts.method ?? 'GET',
      agent: httpsAgent(opts.trust),
      headers: { accept: 'application/json', 'user-agent': 'auth0-cognito-bridge', ...opts.headers },
    });
    const done = (err: unknown, res?: HttpResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (err) {
        req.destroy();
        reject(isEngineError(err) ? err : networkError(err, where));
      } else resolve(res!);
    };
    const onAbort = () => done(cancelledError());
    const timer = setTimeout(() => done(new EngineError('TIMEOUT', `${where} did not answer within ${Math.round(timeoutMs / 1000)} s (${u.pathname}).`,
      'Check the URL and your network; raise the timeout setting if the network is slow.')), timeoutMs);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (e) => done(e));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) done(new EngineError('HTTP', `${url} sent more than ${maxBytes} bytes.`, 'Check the URL.'));
        else chunks.push(c);
      });
      res.on('end', () => done(undefined, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (e) => done(e));
    });
    req.end(opts.body);
  });
}

/** GET a JSON document; non-2xx and non-JSON answers become clear errors. */
export async function getJson<T = unknown>(url: string, opts: HttpOptions = {}): Promise<T> {
  const res = await httpsRequest(url, opts);
  if (res.status < 200 || res.status >= 300) {
    throw new EngineError('HTTP', `${url} answered HTTP ${res.status}.`,
      res.status === 404 ? 'Check the domain: this URL does not exist there.' : 'Try again later, or check the URL.');
  }
  try {
    return JSON.parse(res.body) as T;
  } catch {
    throw new EngineError('HTTP', `${url} did not return JSON.`, 'Check the domain: it does not look like an OpenID Connect provider.');
  }
}
