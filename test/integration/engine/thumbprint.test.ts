import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import * as http from 'node:http';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { computeThumbprint } from '../../../src/engine/thumbprint';
import { main } from '../../../src/cli/main';
import { generateCertChain, removeCertChain, splitPemCertificates, type CertChain } from '../../standins/certs';
import { startTenant, type Tenant } from '../../standins/tenant';
import { freePort } from '../../standins/ports';
import { expectEngineError } from '../../helpers/errors';

function execOut(cmd: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { timeout: 20_000 }, (err, stdout, stderr) => {
      if (err && !stdout) reject(new Error(`${cmd} failed: ${err.message} ${stderr}`));
      else resolve(stdout);
    });
    child.stdin?.end(input ?? '');
  });
}

/** The oracle: the last certificate `openssl s_client -showcerts` prints, fingerprinted by `openssl x509`. */
async function opensslLastCertSha1(port: number, servername = 'localhost'): Promise<{ sha1: string; count: number }> {
  const out = await execOut('openssl', ['s_client', '-showcerts', '-servername', servername, '-connect', `127.0.0.1:${port}`]);
  const pems = splitPemCertificates(out);
  assert.ok(pems.length > 0, `openssl printed no certificate:\n${out}`);
  const fp = await execOut('openssl', ['x509', '-noout', '-fingerprint', '-sha1'], pems[pems.length - 1]);
  const m = /Fingerprint=([0-9A-F:]+)/i.exec(fp);
  assert.ok(m, fp);
  return { sha1: m[1]!.replace(/:/g, '').toLowerCase(), count: pems.length };
}

/** A TLS server presenting exactly `certPems` (leaf first). */
async function tlsServer(chain: CertChain, certPems: string[]): Promise<{ port: number; close: () => Promise<void> }> {
  const srv = tls.createServer({ key: chain.leafKeyPem, cert: certPems.join('') }, (s) => s.end());
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { port: (srv.address() as net.AddressInfo).port, close: () => new Promise((r) => srv.close(() => r())) };
}

describe('thumbprint (engine, against real TLS servers on loopback)', function () {
  this.timeout(30_000);
  let tenant: Tenant;
  let chain: CertChain;

  before(async () => {
    tenant = await startTenant();
    chain = await generateCertChain();
  });
  after(async () => {
    await tenant?.stop();
    if (chain) await removeCertChain(chain);
  });

  it('equals the SHA-1 of the last certificate `openssl s_client -showcerts` prints (local tenant)', async () => {
    const oracle = await opensslLastCertSha1(tenant.port);
    const r = await computeThumbprint(`localhost:${tenant.port}`);
    assert.equal(oracle.count, 2, 'the tenant presents leaf + intermediate');
    assert.equal(r.certificates.length, 2);
    assert.equal(r.thumbprint, oracle.sha1);
    assert.match(r.thumbprint, /^[0-9a-f]{40}$/);
    assert.equal(r.thumbprint, tenant.certs.fingerprints.intermediate);
    assert.equal(r.thumbprintIndex, 1);
    assert.deepEqual(r.certificates.map((c) => c.role), ['leaf', 'intermediate']);
    assert.equal(r.certificates[0]!.sha1, tenant.certs.fingerprints.leaf);
    assert.match(r.explanation, /last certificate localhost:\d+ presents, certificate 2 of 2/);
  });

  it('accepts a URL with a path and gives the same thumbprint', async () => {
    const a = await computeThumbprint(`localhost:${tenant.port}`);
    const b = await computeThumbprint(`https://localhost:${tenant.port}/.well-known/jwks.json`);
    assert.equal(b.thumbprint, a.thumbprint);
    assert.equal(b.target, `localhost:${tenant.port}`);
  });

  it('reports only presented certificates even when the root is trusted, and names the trusted root', async () => {
    const untrusted = await computeThumbprint(`localhost:${tenant.port}`);
    assert.equal(untrusted.trustedRoot, undefined);
    assert.ok(untrusted.warnings.some((w) => /does not lead to a trusted root CA/.test(w)));
    const trusted = await computeThumbprint(`localhost:${tenant.port}`, { extraCaPems: [tenant.caPem] });
    assert.equal(trusted.certificates.length, 2, 'the locally trusted root is not reported as presented');
    assert.equal(trusted.thumbprint, untrusted.thumbprint);
    assert.match(trusted.trustedRoot ?? '', /Stand-in Root CA/);
    assert.deepEqual(trusted.warnings, []);
  });

  it('uses the root when the server sends it along (the last presented certificate)', async () => {
    const s = await tlsServer(chain, [chain.leafPem, chain.intermediatePem, chain.rootPem]);
    try {
      const oracle = await opensslLastCertSha1(s.port);
      const r = await computeThumbprint(`localhost:${s.port}`);
      assert.equal(oracle.count, 3);
      assert.equal(r.thumbprint, oracle.sha1);
      assert.equal(r.thumbprint, chain.fingerprints.root);
      assert.equal(r.certificates[2]!.role, 'root');
    } finally {
      await s.close();
    }
  });

  it('uses the leaf when the server presents the leaf alone, and says so', async () => {
    const s = await tlsServer(chain, [chain.leafPem]);
    try {
      const oracle = await opensslLastCertSha1(s.port);
      const r = await computeThumbprint(`localhost:${s.port}`);
      assert.equal(r.thumbprint, oracle.sha1);
      assert.equal(r.thumbprint, chain.fingerprints.leaf);
      assert.match(r.explanation, /presents a single certificate/);
    } finally {
      await s.close();
    }
  });

  it('works by IP address (no SNI) when the leaf has the IP in its names', async () => {
    const r = await computeThumbprint(`127.0.0.1:${tenant.port}`);
    assert.equal(r.thumbprint, tenant.certs.fingerprints.intermediate, 'IP SANs are on the leaf');
    assert.ok(!r.warnings.some((w) => /not issued for/.test(w)), r.warnings.join('\n'));
  });

  it('warns when the certificate is not issued for the host name', async () => {
    const other = await generateCertChain({ extraNames: ['tenant.example.com'] });
    const s = await tlsServer(other, [other.leafPem, other.intermediatePem]);
    try {
      const r = await computeThumbprint({ host: '127.0.0.1', port: s.port, servername: 'login.other.example' });
      assert.equal(r.thumbprint, other.fingerprints.intermediate);
      assert.ok(r.warnings.some((w) => /not issued for login\.other\.example \(DNS:localhost, IP Address:127\.0\.0\.1, DNS:tenant\.example\.com\)/.test(w)), r.warnings.join('\n'));
    } finally {
      await s.close();
      await removeCertChain(other);
    }
  });

  it('says the connection was refused', async () => {
    const port = await freePort();
    await expectEngineError(computeThumbprint(`127.0.0.1:${port}`), 'REFUSED', /refused the connection/);
  });

  it('says when the port speaks plain HTTP, not TLS', async () => {
    const srv = http.createServer((_q, s) => s.end('hello'));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      await expectEngineError(computeThumbprint(`127.0.0.1:${(srv.address() as net.AddressInfo).port}`), 'TLS', /does not speak TLS|TLS handshake/);
    } finally {
      srv.close();
    }
  });

  it('times out on a server that never answers, and can be cancelled', async () => {
    const sockets: net.Socket[] = [];
    const srv = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as net.AddressInfo).port;
    try {
      const t0 = Date.now();
      await expectEngineError(computeThumbprint(`127.0.0.1:${port}`, { timeoutMs: 300 }), 'TIMEOUT', /did not complete a TLS handshake within/);
      assert.ok(Date.now() - t0 < 5000);
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 100);
      await expectEngineError(computeThumbprint(`127.0.0.1:${port}`, { signal: ac.signal, timeoutMs: 10_000 }), 'CANCELLED', /Cancelled/);
    } finally {
      for (const s of sockets) s.destroy();
      srv.close();
    }
  });

  it('says when a host name does not resolve', async () => {
    await expectEngineError(computeThumbprint('no-such-tenant.invalid'), 'DNS', /does not resolve/);
  });

  it('CLI: `thumbprint --json` prints the chain and the thumbprint, trusting --ca', async () => {
    let out = '';
    let err = '';
    const sink = (f: (s: string) => void) => ({ write: (s: string) => { f(s); return true; } }) as unknown as NodeJS.WritableStream;
    const caFile = tenant.certs.rootPath;
    const code = await main(['thumbprint', `https://localhost:${tenant.port}/`, '--json', '--ca', caFile], sink((s) => { out += s; }), sink((s) => { err += s; }));
    assert.equal(code, 0, err);
    const j = JSON.parse(out);
    assert.equal(j.thumbprint, (await opensslLastCertSha1(tenant.port)).sha1);
    assert.equal(j.certificates.length, 2);
    assert.match(j.trustedRoot, /Stand-in Root CA/);
  });
  it('makes exactly one TLS connection per thumbprint (engine and CLI, with and without --ca)', async () => {
    // A server that counts TCP connections (the client ends each one right after its side of the
    // handshake, so the server's own 'secureConnection' may never come: count sockets).
    const srv = tls.createServer({ key: chain.leafKeyPem, cert: [chain.leafPem, chain.intermediatePem].join('') }, (s) => s.end());
    let connections = 0;
    srv.on('connection', () => { connections++; });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as net.AddressInfo).port;
    const sink = { write: () => true } as unknown as NodeJS.WritableStream;
    try {
      const r = await computeThumbprint(`localhost:${port}`);
      assert.equal(r.thumbprint, chain.fingerprints.intermediate);
      assert.equal(connections, 1);
      const trusted = await computeThumbprint(`localhost:${port}`, { extraCaPems: [chain.rootPem] });
      assert.match(trusted.trustedRoot ?? '', /Root/);
      assert.equal(connections, 2);
      assert.equal(await main(['thumbprint', `localhost:${port}`, '--json'], sink, sink), 0);
      assert.equal(connections, 3);
      assert.equal(await main(['thumbprint', `https://localhost:${port}/x`, '--ca', chain.rootPath], sink, sink), 0);
      assert.equal(connections, 4);
    } finally {
      await new Promise<void>((r) => srv.close(() => r()));
    }
  });

  it('finds the trusted root among the extra CAs without mistaking a look-alike (same subject, other key)', async () => {
    const other = await generateCertChain();
    try {
      const s = await tlsServer(chain, [chain.leafPem, chain.intermediatePem]);
      try {
        const wrong = await computeThumbprint(`localhost:${s.port}`, { extraCaPems: [other.rootPem] });
        assert.equal(wrong.trustedRoot, undefined);
        const right = await computeThumbprint(`localhost:${s.port}`, { extraCaPems: [`${other.rootPem}\n${chain.rootPem}`] });
        assert.match(right.trustedRoot ?? '', /Root/);
      } finally {
        await s.close();
      }
    } finally {
      await removeCertChain(other);
    }
  });

  it('CLI: `thumbprint` loads no setup, preflight, token or AWS code', async () => {
    const root = path.join(__dirname, '..', '..', '..');
    const code = [
      "const { main } = require('./src/cli/main');",
      "let err = ''; const sink = { write: () => true }; const errs = { write: (s) => { err += s; return true; } };",
      `main(['thumbprint', 'localhost:${tenant.port}', '--json'], sink, errs).then((exit) => {`,
      "  const loaded = Object.keys(require.cache).map((k) => k.split(require('path').sep).join('/')).filter((k) => !k.includes('/node_modules/'));",
      "  const heavy = loaded.filter((k) => /\\/src\\/(engine\\/(setup|token|aws|auth0|resources|plan|fixes)\\/|cli\\/(setup|inspectToken)\\.ts)/.test(k));",
      "  const sdk = Object.keys(require.cache).filter((k) => /node_modules[\\\\/](@aws-sdk|@smithy|auth0|jose)[\\\\/]/.test(k));",
      "  process.stdout.write(JSON.stringify({ exit, err, heavy, sdk: sdk.length }));",
      '});',
    ].join('\n');
    // Asynchronously: the tenant serves from this process.
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--require', 'tsx/cjs', '-e', code], { cwd: root, encoding: 'utf8', timeout: 30_000 }, (e, stdout, stderr) => (e ? reject(new Error(`${e.message} ${stderr}`)) : resolve(stdout)));
    });
    assert.deepEqual(JSON.parse(out), { exit: 0, err: '', heavy: [], sdk: 0 });
  });
});
