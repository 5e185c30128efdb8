import * as net from 'node:net';

/** A TCP server that accepts every connection and never answers (nor closes). */
export interface HangServer {
  port: number;
  url: string;
  /** Connections accepted so far. */
  connections(): number;
  /** Resolves once at least `n` connections were accepted. */
  waitForConnections(n?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startHangServer(): Promise<HangServer> {
  const sockets = new Set<net.Socket>();
  let count = 0;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const server = net.createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    for (const w of [...waiters]) {
      if (count >= w.n) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    connections: () => count,
    waitForConnections: (n = 1) => (count >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }))),
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
