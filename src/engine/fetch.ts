import { httpsRequest, HttpOptions } from './http';

/**
 * A `fetch` for SDKs that accept one (the auth0 SDK), going through the engine's HTTPS client,
 * so the extra CA certificates, the timeout and the error messages apply to them too.
 * Supports what those SDKs use: method, headers, string/URLSearchParams body, signal.
 */
export function engineFetch(base: Pick<HttpOptions, 'trust' | 'timeoutMs'>): typeof fetch {
  const f = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const headers: Record<string, string> = {};
    new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined)).forEach((v, k) => { headers[k] = v; });
    let body: string | undefined;
    const b = init?.body;
    if (typeof b === 'string') body = b;
    else if (b instanceof URLSearchParams) {
      body = b.toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else if (b != null) {
      body = await new Response(b).text();
    }
    const res = await httpsRequest(url, {
      ...base,
      method: init?.method ?? 'GET',
      headers,
      body,
      signal: init?.signal ?? undefined,
    });
    const out = new Headers();
    for (const [k, v] of Object.entries(res.headers)) {
      if (Array.isArray(v)) v.forEach((x) => out.append(k, x));
      else if (v !== undefined) out.set(k, v);
    }
    const noBody = res.status === 204 || res.status === 304;
    return new Response(noBody ? null : res.body, { status: res.status, headers: out });
  };
  return f as typeof fetch;
}
