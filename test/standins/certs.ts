/**
 * A throw-away PKI for the local stand-ins: root CA -> intermediate CA -> leaf, made with the
 * `openssl` CLI (execFile, no shell) in a fresh temp directory. Nothing is cached in the repo.
 *
 * The server presents leaf + intermediate (like real servers); clients trust `rootPem` only.
 * Fingerprints are SHA-1 over the DER certificate, 40 lowercase hex characters (the format
 * IAM expects in an OpenID Connect provider's ThumbprintList, colons removed).
 */
import { execFile } from 'node:child_process';
import { X509Certificate, randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

export interface CertChainOptions {
  /** Extra subjectAltName entries for the leaf: host names, or IP addresses (v4/v6). */
  extraNames?: string[];
  /** Key type for all three certificates. EC P-256 is the default because it is fast. */
  keyType?: 'ec' | 'rsa';
  /** Validity in days (default 7). */
  days?: number;
  /** Directory to write into (default: a new temp dir under os.tmpdir()). */
  dir?: string;
  /** Label put into the CAs' common names, to tell runs apart (default: random). */
  label?: string;
}

export interface CertFingerprints {
  root: string;
  intermediate: string;
  leaf: string;
}

export interface CertChain {
  /** Directory holding every file below; remove it with `removeCertChain`. */
  dir: string;
  rootPem: string;
  intermediatePem: string;
  leafPem: string;
  leafKeyPem: string;
  /** leafPem + intermediatePem: what a TLS server should present. */
  chainPem: string;
  rootPath: string;
  intermediatePath: string;
  leafPath: string;
  leafKeyPath: string;
  chainPath: string;
  /** SHA-1 fingerprints, 40 lowercase hex characters each. */
  fingerprints: CertFingerprints;
  /** Subject alternative names put on the leaf, as openssl spells them (DNS:..., IP:...). */
  subjectAltNames: string[];
}

/** SHA-1 fingerprint of a PEM (or DER) certificate as 40 lowercase hex characters, no colons. */
export function sha1Fingerprint(cert: string | Buffer): string {
  return new X509Certificate(cert).fingerprint.replace(/:/g, '').toLowerCase();
}

/** Splits a PEM bundle into its certificates (each with BEGIN/END lines and a final newline). */
export function splitPemCertificates(pem: string): string[] {
  const re = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
  return (pem.match(re) ?? []).map((c) => `${c}\n`);
}

function run(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { cwd, timeout: 30_000 }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`openssl ${args[0]} failed: ${err.message}\n${stderr}`));
      else resolve();
    });
  });
}

function isIp(name: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || name.includes(':');
}

function keyArgs(keyType: 'ec' | 'rsa'): string[] {
  return keyType === 'ec'
    ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']
    : ['-newkey', 'rsa:2048'];
}

function serial(): string {
  // Positive 64-bit serial (top bit cleared).
  const b = randomBytes(8);
  b[0] = (b[0] ?? 0) & 0x7f;
  return `0x${b.toString('hex')}`;
}

/** Generates root -> intermediate -> leaf with openssl. Takes ~50-150 ms with EC keys. */
export async function generateCertChain(options: CertChainOptions = {}): Promise<CertChain> {
  const keyType = options.keyType ?? 'ec';
  const days = String(options.days ?? 7);
  const label = options.label ?? randomBytes(4).toString('hex');
  const dir = options.dir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'auth0-standin-pki-')));
  await fs.mkdir(dir, { recursive: true });

  const names = ['localhost', '127.0.0.1', ...(options.extraNames ?? [])];
  const subjectAltNames = [...new Set(names)].map((n) => (isIp(n) ? `IP:${n}` : `DNS:${n}`));
  const leafKeyUsage = keyType === 'ec' ? 'digitalSignature' : 'digitalSignature, keyEncipherment';

  await fs.writeFile(
    path.join(dir, 'ext.cnf'),
    [
      '[v3_intermediate]',
      'basicConstraints = critical, CA:TRUE, pathlen:0',
      'keyUsage = critical, keyCertSign, cRLSign',
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid:always',
      '',
      '[v3_leaf]',
      'basicConstraints = critical, CA:FALSE',
      `keyUsage = critical, ${leafKeyUsage}`,
      'extendedKeyUsage = serverAuth',
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid, issuer',
      `subjectAltName = ${subjectAltNames.join(', ')}`,
      '',
    ].join('\n'),
  );

  // Root (self-signed) and the two CSRs are independent: make them in parallel.
  await Promise.all([
    run(
      [
        'req', '-x509', ...keyArgs(keyType), '-nodes', '-sha256', '-days', days,
        '-set_serial', serial(),
        '-keyout', 'root.key', '-out', 'root.pem',
        '-subj', `/O=Auth0 Stand-in/CN=Stand-in Root CA ${label}`,
        '-addext', 'basicConstraints=critical,CA:TRUE,pathlen:1',
        '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
        '-addext', 'subjectKeyIdentifier=hash',
      ],
      dir,
    ),
    run(
      [
        'req', '-new', ...keyArgs(keyType), '-nodes', '-sha256',
        '-keyout', 'intermediate.key', '-out', 'intermediate.csr',
        '-subj', `/O=Auth0 Stand-in/CN=Stand-in Intermediate CA ${label}`,
      ],
      dir,
    ),
    run(
      [
        'req', '-new', ...keyArgs(keyType), '-nodes', '-sha256',
        '-keyout', 'leaf.key', '-out', 'leaf.csr',
        '-subj', '/O=Auth0 Stand-in/CN=localhost',
      ],
      dir,
    ),
  ]);
  await run(
    [
      'x509', '-req', '-in', 'intermediate.csr', '-CA', 'root.pem', '-CAkey', 'root.key',
      '-set_serial', serial(), '-days', days, '-sha256',
      '-extfile', 'ext.cnf', '-extensions', 'v3_intermediate', '-out', 'intermediate.pem',
    ],
    dir,
  );
  await run(
    [
      'x509', '-req', '-in', 'leaf.csr', '-CA', 'intermediate.pem', '-CAkey', 'intermediate.key',
      '-set_serial', serial(), '-days', days, '-sha256',
      '-extfile', 'ext.cnf', '-extensions', 'v3_leaf', '-out', 'leaf.pem',
    ],
    dir,
  );

  const read = (f: string) => fs.readFile(path.join(dir, f), 'utf8');
  const [rootPem, intermediatePem, leafPem, leafKeyPem] = await Promise.all([
    read('root.pem'), read('intermediate.pem'), read('leaf.pem'), read('leaf.key'),
  ]);
  const chainPem = leafPem + intermediatePem;
  const chainPath = path.join(dir, 'chain.pem');
  await fs.writeFile(chainPath, chainPem);
  // The CA keys are not needed any more; the leaf key stays for servers started from files.
  await Promise.all(
    ['root.key', 'intermediate.key', 'intermediate.csr', 'leaf.csr', 'ext.cnf'].map((f) =>
      fs.rm(path.join(dir, f), { force: true }),
    ),
  );

  return {
    dir,
    rootPem,
    intermediatePem,
    leafPem,
    leafKeyPem,
    chainPem,
    rootPath: path.join(dir, 'root.pem'),
    intermediatePath: path.join(dir, 'intermediate.pem'),
    leafPath: path.join(dir, 'leaf.pem'),
    leafKeyPath: path.join(dir, 'leaf.key'),
    chainPath,
    fingerprints: {
      root: sha1Fingerprint(rootPem),
      intermediate: sha1Fingerprint(intermediatePem),
      leaf: sha1Fingerprint(leafPem),
    },
    subjectAltNames,
  };
}

/** Deletes the chain's directory (safe to call twice). */
export async function removeCertChain(chain: Pick<CertChain, 'dir'>): Promise<void> {
  await fs.rm(chain.dir, { recursive: true, force: true });
}
