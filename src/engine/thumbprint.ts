import * as tls from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { fetchPresentedChain, ConnectOptions } from './tlsChain';
import { HostTarget, formatTarget, parseHostInput } from './target';

export interface CertificateInfo {
  subject: string;
  issuer: string;
  /** ISO 8601 */
  validFrom: string;
  validTo: string;
  /** SHA-1 fingerprint, 40 lowercase hex characters, no colons. */
  sha1: string;
  /** SHA-256 fingerprint, 64 lowercase hex characters, no colons. */
  sha256: string;
  isCa: boolean;
  selfSigned: boolean;
  serialNumber: string;
  subjectAltName: string | undefined;
  /** Where this certificate sits: leaf, intermediate, root. */
  role: 'leaf' | 'intermediate' | 'root';
  expired: boolean;
  pem: string;
}

export interface ThumbprintResult {
  host: string;
  port: number;
  /** host, or host:port when not 443 */
  target: string;
  /** As presented by the server, leaf first. */
  certificates: CertificateInfo[];
  /** The thumbprint AWS asks for: SHA-1 of the last presented certificate, 40 lowercase hex. */
  thumbprint: string;
  /** Index into certificates of the certificate the thumbprint belongs to. */
  thumbprintIndex: number;
  /** Why that certificate. */
  explanation: string;
  /** Subject of the trusted root CA the chain leads to (system roots plus extra CAs), if any. */
  trustedRoot: string | undefined;
  /** Things worth knowing: expired certificates, name mismatch, broken chain, self-signed. */
  warnings: string[];
}

export interface ThumbprintOptions extends ConnectOptions {
  /** Extra trusted CA certificates (PEM), e.g. a corporate proxy's CA or a local test CA. */
  extraCaPems?: readonly string[];
  /** Clock for "expired" (tests). */
  now?: Date;
}

/** Lowercase hex without colons, the form IAM stores. */
export function hexFingerprint(colonHex: string): string {
  return colonHex.replace(/:/g, '').toLowerCase();
}

/** Computes the chain a host presents and the thumbprint IAM wants for an OIDC provider on it. */
export async function computeThumbprint(input: string | HostTarget, opts: ThumbprintOptions = {}): Promise<ThumbprintResult> {
  const target = typeof input === 'string' ? parseHostInput(input) : input;
  const chain = await fetchPresentedChain(target, opts);
  return describeChain(target, chain, opts);
}

export function describeChain(target: HostTarget, chain: X509Certificate[], opts: Pick<ThumbprintOptions, 'extraCaPems' | 'now'> = {}): ThumbprintResult {
  const now = opts.now ?? new Date();
  const certificates = chain.map((c, i) => certInfo(c, i, chain.length, now));
  const lastIndex = certificates.length - 1;
  const last = certificates[lastIndex]!;
  const warnings: string[] = [];

  for (const c of certificates) {
    if (c.expired) warnings.push(`Certificate "${c.subject}" expired on ${c.validTo}.`);
    else if (new Date(c.validFrom) > now) warnings.push(`Certificate "${c.subject}" is not valid before ${c.validFrom}.`);
  }
  const leaf = chain[0]!;
  const nameOk = target.servername ? leaf.checkHost(target.servername) !== undefined : leaf.checkIP(target.host) !== undefined;
  if (!nameOk) warnings.push(`The server's certificate is not issued for ${target.servername ?? target.host} (${certificates[0]!.subjectAltName ?? certificates[0]!.subject}).`);
  for (let i = 0; i + 1 < chain.length; i++) {
    if (!chain[i]!.verify(chain[i + 1]!.publicKey)) warnings.push(`Certificate ${i + 1} is not signed by certificate ${i + 2}: the chain is broken.`);
  }

  const root = findTrustedRoot(chain[lastIndex]!, opts.extraCaPems ?? []);
  if (!root) {
    warnings.push('The chain does not lead to a trusted root CA (system roots plus the extra CA certificates setting). IAM will rely on the thumbprint to trust this provider.');
  }

  let explanation: string;
  if (certificates.length === 1) {
    explanation = `${formatTarget(target)} presents a single certificate ("${last.subject}"), so the thumbprint is that certificate's SHA-1. `
      + 'AWS uses the last certificate the server presents.';
  } else {
    explanation = `The thumbprint is the SHA-1 fingerprint of the last certificate ${formatTarget(target)} presents, `
      + `certificate ${lastIndex + 1} of ${certificates.length} ("${last.subject}"), the top ${last.role === 'root' ? 'certificate (a root the server sends along)' : 'intermediate CA'}. `
      + 'That is the one AWS documents and `openssl s_client -showcerts` prints last. '
      + 'Other tools disagree: Auth0\'s guide calls it "the root CA", Terraform examples take the root from the local trust store, and old CDK versions took the leaf; those values differ from this one.';
  }
  if (root) explanation += ` The chain leads to the trusted root "${root}", so for well-known providers IAM trusts it by its root CA and the thumbprint is only a fallback.`;

  return {
    host: target.host,
    port: target.port,
    target: formatTarget(target),
    certificates,
    thumbprint: last.sha1,
    thumbprintIndex: lastIndex,
    explanation,
    trustedRoot: root,
    warnings,
  };
}

function certInfo(c: X509Certificate, index: number, count: number, now: Date): CertificateInfo {
  const selfSigned = c.checkIssued(c) && c.verify(c.publicKey);
  const validTo = new Date(c.validTo);
  return {
    subject: oneLine(c.subject),
    issuer: oneLine(c.issuer),
    validFrom: new Date(c.validFrom).toISOString(),
    validTo: validTo.toISOString(),
    sha1: hexFingerprint(c.fingerprint),
    sha256: hexFingerprint(c.fingerprint256),
    isCa: c.ca,
    selfSigned,
    serialNumber: c.serialNumber,
    subjectAltName: c.subjectAltName,
    role: index === 0 && !(count === 1 && selfSigned && c.ca) ? 'leaf' : selfSigned ? 'root' : 'intermediate',
    expired: validTo < now,
    pem: c.toString(),
  };
}

/** "CN=x\nO=y" -> "CN=x, O=y" */
function oneLine(dn: string): string {
  return dn.split('\n').filter(Boolean).join(', ');
}

/**
 * Subject of a trusted root that issued `top` (or `top` itself when it is one), else undefined.
 *
 * The system store holds ~150 roots and parsing them all into X509Certificate objects costs
 * ~100 ms, more than the rest of a thumbprint. So each root is only base64-decoded and its
 * subject (DER) read; only roots whose subject is `top`'s issuer (or that are `top`) are parsed
 * and checked.
 */
function findTrustedRoot(top: X509Certificate, extraCaPems: readonly string[]): string | undefined {
  const topDer = top.raw;
  const wanted = namesOf(topDer)?.issuer;
  for (const pem of [...extraCaPems.flatMap(splitPems), ...tls.rootCertificates]) {
    const der = pemToDer(pem);
    if (!der) continue;
    const sameCert = der.equals(topDer);
    if (!sameCert) {
      const subject = namesOf(der)?.subject;
      // Unreadable by the quick reader: parse it properly rather than skip it.
      if (subject && wanted && !subject.equals(wanted)) continue;
    }
    let root: X509Certificate;
    try {
      root = new X509Certificate(der);
    } catch {
      continue;
    }
    if (sameCert || (top.checkIssued(root) && top.verify(root.publicKey))) return oneLine(root.subject);
  }
  return undefined;
}

function splitPems(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
}

function pemToDer(pem: string): Buffer | undefined {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem);
  return m ? Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64') : undefined;
}

/** One DER element at `at`: where its content starts and where it ends. */
function derElement(b: Buffer, at: number): { tag: number; start: number; end: number } | undefined {
  if (at + 2 > b.length) return undefined;
  const tag = b[at]!;
  let len = b[at + 1]!;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > b.length) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[start + i]!;
    start += n;
  }
  return start + len <= b.length ? { tag, start, end: start + len } : undefined;
}

/** The issuer and subject Names (DER) of a certificate, read without parsing it all. */
function namesOf(der: Buffer): { issuer: Buffer; subject: Buffer } | undefined {
  const cert = derElement(der, 0);
  const tbs = cert && derElement(der, cert.start);
  if (!tbs) return undefined;
  let at = tbs.start;
  const next = () => {
    const e = derElement(der, at);
    if (e) at = e.end;
    return e;
  };
  if (next()?.tag === 0xa0) next(); // [0] version, then serialNumber
  next(); // signature algorithm
  const issuer = next();
  next(); // validity
  const subject = next();
  if (!issuer || !subject || issuer.tag !== 0x30 || subject.tag !== 0x30) return undefined;
  return { issuer: der.subarray(issuer.start, issuer.end), subject: der.subarray(subject.start, subject.end) };
}
