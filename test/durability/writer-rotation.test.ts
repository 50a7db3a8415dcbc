// JournalClient (src/journal/client/journal-client.ts): an append abandoned on 'timeout'
// leaves a gap in its writer's sequence, and the log keeps a writer's token appends in
// writerSeq order, so the client goes on as a new writer. Here no log node answers (a
// port nobody listens on), so every append times out.

import { describe, expect, it } from 'vitest';
import { JournalClient, JournalClientError } from '../../src/journal/client/journal-client.js';
import { RecordType } from '../../src/journal/record-types.js';
import { freePort } from '../support/ports.js';

describe('JournalClient writer rotation', () => {
  it('takes a fresh writerId after an append times out', async () => {
    const port = await freePort();
    const client = new JournalClient({ nodes: [`127.0.0.1:${port}`], secret: 's', timeoutMs: 200 });
    try {
      const first = client.writerId;
      const err = await client.append([{ type: RecordType.effects, engineVersion: 1, payload: Buffer.from('x') }], { leaderToken: 1 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(JournalClientError);
      expect((err as JournalClientError).code).toBe('timeout');
      expect(client.writerId).not.toBe(first);
      expect(client.writerId).toBeGreaterThan(0);
    } finally {
      client.close();
    }
  });
});
