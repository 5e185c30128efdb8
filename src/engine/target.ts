import { isIP } from 'node:net';
import { EngineError } from './errors';

/** Where to connect for a TLS handshake. */
export interface HostTarget {
  host: string;
  port: number;
  /** The SNI name sent in the handshake; undefined for IP addresses (SNI must not carry an IP). */
  servername: string | undefined;
}

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;

function invalid(message: string, hint: string): EngineError {
  return new EngineError('INVALID_INPUT', message, hint);
}

/**
 * Parses what a user types for "the host to take a thumbprint of": a domain
 * (`tenant.auth0.com`), a domain with port (`localhost:8443`), an `https://` URL, or an
 * https URL with a path (`https://tenant.auth0.com/.well-known/jwks.json`). Port 443 unless given.
 */
export function parseHostInput(input: string): HostTarget {
  const text = (input ?? '').trim();
  const example = 'Enter a domain such as tenant.auth0.com, or an https:// URL.';
  if (!text) throw invalid('No host given.', example);
  if (/\s/.test(text)) throw invalid(`"${text}" contains spaces.`, example);

  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  if (scheme) {
    const s = scheme[1]!.toLowerCase();
    if (s !== 'https') {
      throw invalid(`"${s}://" is not supported: OpenID Connect providers must use https://.`,
        s === 'http' ? `Use https://${text.slice(scheme[0].length)} instead.` : example);
    }
  }

  const rawPort = portFromText(scheme ? text.slice(scheme[0].length) : text);
  let port = 443;
  if (rawPort !== undefined) {
    const n = Number(rawPort);
    if (!/^\d{1,5}$/.test(rawPort) || n < 1 || n > 65535) {
      throw invalid(`Port "${rawPort}" is out of range.`, 'A port is a number from 1 to 65535 (HTTPS uses 443).');
    }
    port = n;
  }
  const url = parseUrl(scheme ? text : `https://${text}`, example);
  if (url.username || url.password) throw invalid('The URL must not contain a user name or password.', example);

  let host = url.hostname;
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (!host) throw invalid(`"${text}" has no host name.`, example);
  const ip = isIP(host) !== 0;
  if (!ip && !HOSTNAME.test(host)) throw invalid(`"${host}" is not a valid host name.`, example);
  host = host.replace(/\.$/, '');
  return { host, port, servername: ip ? undefined : host };
}

function parseUrl(text: string, hint: string): URL {
  try {
    return new URL(text);
  } catch {
    throw invalid(`"${text}" is not a valid domain or URL.`, hint);
  }
}

/** The explicit port in the authority part, if any (WHATWG URL drops :443 and rejects >65535, so read it ourselves). */
function portFromText(afterScheme: string): string | undefined {
  const authority = afterScheme.split(/[/?#]/, 1)[0] ?? '';
  const hostPort = authority.includes('@') ? authority.slice(authority.lastIndexOf('@') + 1) : authority;
  const m = hostPort.startsWith('[') ? /^\[[^\]]*\]:(.*)$/.exec(hostPort) : /^[^:]*:(.*)$/.exec(hostPort);
  return m ? m[1] : undefined;
}

export function formatTarget(t: HostTarget): string {
  const h = t.host.includes(':') ? `[${t.host}]` : t.host;
  return t.port === 443 ? h : `${h}:${t.port}`;
}
