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

let systemRoots: X509Certificate[] | undefined;

/** Subject of a trusted root that issued `top` (or `top` itself when it is one), else undefined. */
function findTrustedRoot(top: X509Certificate, extraCaPems: readonly string[]): string | undefined {
  systemRoots ??= tls.rootCertificates.map((p) => new X509Certificate(p));
  const candidates = [...extraCaPems.map((p) => new X509Certificate(p)), ...systemRoots];
  for (const root of candidates) {
    if (root.fingerprint256 === top.fingerprint256) return oneLine(root.subject);
    if (top.checkIssued(root) && top.verify(root.publicKey)) return oneLine(root.subject);
  }
  return undefined;
}
