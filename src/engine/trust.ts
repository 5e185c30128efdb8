import * as tls from 'node:tls';
import * as https from 'node:https';
import { X509Certificate } from 'node:crypto';
import { readFileAtMost } from './bounds';
import { EngineError } from './errors';

/** Largest CA file read (a full system bundle is about 200 KB). */
export const MAX_CA_FILE_BYTES = 5 * 1024 * 1024;

/**
 * Extra CA certificates: added to the system roots for every HTTPS call the engine makes
 * (Auth0, JWKS, AWS). Needed behind TLS-inspecting proxies and for local test tenants.
 */
export interface TrustSettings {
  extraCaPems: readonly string[];
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Splits PEM text into certificates, checking that each one parses. */
export function parsePemBundle(text: string, source: string): string[] {
  const blocks = text.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) {
    throw new EngineError('CA_FILE', `${source} holds no PEM certificate ("-----BEGIN CERTIFICATE-----").`,
      'Point the extra CA certificates setting at PEM files (convert DER with: openssl x509 -inform der -in FILE -out FILE.pem).');
  }
  return blocks.map((b, i) => {
    try {
      new X509Certificate(b);
      return b;
    } catch {
      throw new EngineError('CA_FILE', `Certificate ${i + 1} in ${source} does not parse.`, 'Replace the file with a valid PEM certificate.');
    }
  });
}

/** Reads PEM files (each may hold several certificates). */
export async function loadCaFiles(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    let bytes: Buffer;
    try {
      bytes = await readFileAtMost(p, MAX_CA_FILE_BYTES);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new EngineError('CA_FILE', `Cannot read the CA certificate file ${p}${code ? ` (${code})` : ''}.`,
        'Fix or remove the path in the extra CA certificates setting.');
    }
    if (bytes.length > MAX_CA_FILE_BYTES) {
      throw new EngineError('CA_FILE', `The CA certificate file ${p} is larger than ${MAX_CA_FILE_BYTES / (1024 * 1024)} MB: it is not a PEM bundle.`,
        'Point the extra CA certificates setting (or --ca) at a PEM file with the CA certificates only.');
    }
    const text = bytes.toString('utf8');
    out.push(...parsePemBundle(text, p));
  }
  return out;
}

/** The CA list for an HTTPS client: system roots plus the extra ones. */
export function caList(trust: TrustSettings | undefined): string[] | undefined {
  if (!trust || trust.extraCaPems.length === 0) return undefined;
  return [...tls.rootCertificates, ...trust.extraCaPems];
}

const agents = new WeakMap<readonly string[], https.Agent>();

/** A keep-alive HTTPS agent trusting the system roots plus the extra CAs (one per CA list). */
export function httpsAgent(trust: TrustSettings | undefined): https.Agent {
  const key = trust?.extraCaPems ?? [];
  let agent = agents.get(key);
  if (!agent) {
    agent = new https.Agent({ keepAlive: true, maxSockets: 16, ca: caList(trust) });
    agents.set(key, agent);
  }
  return agent;
}
