// An in-process KeelDB server (no journal) for the io-mux mode tests (test process,
// main thread): read-mode and write-mode both reach into server.ioMux's connections, so
// they start the server here rather than as a child. Started in beforeAll (then
// `prepare`, if given), stopped in afterAll with every raw client made through it.

import { afterAll, beforeAll } from 'vitest';
import { startServer, type RunningServer } from '../../src/main/server.js';
import { RawClient } from '../main/raw-client.js';

export interface InProcessServer {
  server: () => RunningServer;
  /** A raw client of the server, closed in afterAll. */
  client: (opts?: { read?: boolean }) => RawClient;
}

export function useInProcessServer(prepare?: (client: InProcessServer['client']) => Promise<void>): InProcessServer {
  let server: RunningServer | undefined;
  const clients: RawClient[] = [];
  const started = (): RunningServer => {
    if (server === undefined) throw new Error('useInProcessServer: the server did not start (see beforeAll)');
    return server;
  };
  const client = (opts: { read?: boolean } = {}): RawClient => {
    const c = new RawClient(started().port, opts);
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    server = await startServer({ port: 0, bind: '127.0.0.1', journal: 'none', handleSignals: false, log: () => {} });
    await prepare?.(client);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.close();
  });
  return { server: started, client };
}
