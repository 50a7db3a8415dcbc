// Real processes: a byte flipped in a segment of a stopped log node is detected when it
// restarts (its log is cut at the bad record, and it says so on stderr), and the node
// re-replicates from its peers until its log matches theirs entry for entry.

import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { JournalClient } from '../../../src/journal/client/journal-client.js';
import { RecordType } from '../../../src/journal/record-types.js';
import type { LogEntry } from '../../../src/journal/storage/types.js';
import { Cluster, clusterSecret, currentLeader, firstLeadership, waitFor } from './cluster.js';

let cluster: Cluster | undefined;
const clients: JournalClient[] = [];
afterAll(async () => {
  for (const c of clients) c.close();
  await cluster?.stopAll();
});

async function readFrom(address: string, tailId: number): Promise<LogEntry[]> {
  const reader = new JournalClient({ nodes: [address], secret: clusterSecret });
  clients.push(reader);
  const out: LogEntry[] = [];
  for await (const e of reader.read(1, { waitMs: 200 })) {
    out.push(e);
    if (e.index >= tailId) break;
  }
  reader.close();
  return out;
}

const plain = (e: LogEntry) => [e.index, e.term, e.type, e.writerId, e.writerSeq, Buffer.from(e.payload).toString('hex')];

it('detects a flipped byte on restart and repairs the node from its peers', async () => {
  cluster = await Cluster.start();
  const client = new JournalClient({ nodes: cluster.addresses, secret: clusterSecret, timeoutMs: 5000 });
  clients.push(client);
  const token = await firstLeadership(client, 'db');
  const appendMany = async (prefix: string, count: number): Promise<void> => {
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        client.append([{ type: RecordType.effects, engineVersion: 1, payload: Buffer.from(`${prefix}-${i}-${'x'.repeat(i % 50)}`) }], { leaderToken: token }),
      ),
    );
  };
  await appendMany('before', 200);

  // stop a follower cleanly, flip a byte in the middle of its segment
  const leader = currentLeader(cluster);
  const victim = cluster.nodes.find((n) => n.id !== leader)!;
  await cluster.stop(victim.id);
  const segment = (await readdir(victim.dir)).find((f) => f.startsWith('segment-'))!;
  const path = join(victim.dir, segment);
  const bytes = await readFile(path);
  const offset = Math.floor(bytes.byteLength / 2);
  bytes[offset]! ^= 0x5a;
  await writeFile(path, bytes);
  expect((await stat(path)).size).toBe(bytes.byteLength);

  await appendMany('while-down', 50);
  await cluster.startNode(victim.id);
  expect(victim.stderr).toMatch(/recovery: cut \d+ bytes from the log \((checksum mismatch at index \d+|bad frame length \d+|index \d+ out of sequence|unknown frame version \d+|frame length \d+ disagrees)/);

  await appendMany('after', 20);
  const { tailId } = await client.tail();
  const reference = await readFrom(`127.0.0.1:${cluster.node(currentLeader(cluster) || leader).port}`, tailId);
  expect(reference.length).toBe(tailId);
  const repaired = await readFrom(`127.0.0.1:${victim.port}`, tailId);
  expect(repaired.map(plain)).toEqual(reference.map(plain));
}, 120_000);
