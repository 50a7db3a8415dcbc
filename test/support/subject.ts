// The server under test in differential and client tests (test process, main thread).
// Normally KeelDB. With KEELDB_TEST_SUBJECT=redis it is a second redis-server instead:
// the harness then checks itself (redis against redis must show no difference, so any
// failure is a bug in the tests, not in KeelDB).

import type { ServerHandle } from './child-server.js';
import { startKeelDb } from './keeldb-server.js';
import { startRedis } from './redis-oracle.js';

export const subjectKind: 'redis' | 'keeldb' =
  process.env.KEELDB_TEST_SUBJECT === 'redis' ? 'redis' : 'keeldb';

export function startSubject(options: { requirepass?: string } = {}): Promise<ServerHandle> {
  return subjectKind === 'redis' ? startRedis(options) : startKeelDb(options);
}
