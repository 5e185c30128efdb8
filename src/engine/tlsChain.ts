import * as tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { EngineError, cancelledError, networkError, isEngineError } from './errors';
import { HostTarget, formatTarget } from './target';

export interface ConnectOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Opens a TLS connection (SNI = host) and returns the certificates the server presented,
 * leaf first, each issued by the next.
 *
 * The connection uses an empty trust store on purpose: Node's getPeerCertificate(true)
 * appends issuers it finds in the local trust store after the presented ones, which would
 * make a locally known root look "presented". With no store, only what the server sent is
 * returned. Certificates the server sent that do not chain to the leaf are left out.
 */
export function fetchPresentedChain(target: HostTarget, opts: ConnectOptions = {}): Promise<X509Certificate[]> {
  const where = formatTarget(target);
  const timeoutMs = opts.timeoutMs ?? 15_000;
  return new Promise<X509Certificate[]>((resolve, reject) => {
    if (opts.signal?.aborted) return reject(cancelledError());
    let settled = false;
    const socket = tls.connect({
      host: target.host,
      port: target.port,
      servername: target.servername,
      ca: [],
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    const finish = (err: unknown, chain?: X509Certificate[]) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err) reject(isEngineError(err) ? err : networkError(err, where));
      else resolve(chain ?? []);
    };
    const onAbort = () => finish(cancelledError());
    const timer = setTimeout(
      () => finish(new EngineError('TIMEOUT', `${where} did not complete a TLS handshake within ${Math.round(timeoutMs / 1000)} s.`,
        'Check the host, port and your network or proxy; raise the timeout setting if the network is slow.')),
      timeoutMs,
    );
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('secureConnect', () => {
      try {
        finish(undefined, chainFromPeer(socket.getPeerCertificate(true)));
      } catch (e) {
        finish(e);
      }
    });
    socket.once('error', (e) => finish(e));
    socket.once('close', () => finish(new EngineError('TLS', `${where} closed the connection before the TLS handshake finished.`,
      'Check that the host serves HTTPS on that port.')));
  });
}

function chainFromPeer(peer: tls.DetailedPeerCertificate): X509Certificate[] {
  const out: X509Certificate[] = [];
  const seen = new Set<string>();
  let cur: tls.DetailedPeerCertificate | undefined = peer;
  while (cur && cur.raw && cur.raw.length > 0) {
    const x = new X509Certificate(cur.raw);
    if (seen.has(x.fingerprint256)) break;
    seen.add(x.fingerprint256);
    out.push(x);
    if (!cur.issuerCertificate || cur.issuerCertificate === cur) break;
    cur = cur.issuerCertificate;
  }
  if (out.length === 0) throw new EngineError('TLS', 'The server presented no certificate.', 'Check that the host serves HTTPS.');
  return out;
}
