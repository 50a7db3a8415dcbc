// Starts the server under test for a describe block (beforeAll) and stops it (afterAll,
// even on failure) (test process, main thread). Client tests talk to KeelDB alone; with
// KEELDB_TEST_SUBJECT=redis they run against redis-server, which checks the tests.

import { afterAll, beforeAll } from 'vitest';
import type { ServerHandle } from './child-server.js';
import { startSubject } from './subject.js';

export function useSubjectServer(options: { requirepass?: string } = {}): () => ServerHandle {
  let server: ServerHandle | undefined;
  beforeAll(async () => {
    server = await startSubject(options);
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (server === undefined) throw new Error('useSubjectServer: the server did not start (see beforeAll)');
    return server;
  };
}
