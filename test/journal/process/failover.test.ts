// Real processes, real disks, kill -9 (issue 3's proof): three log nodes; under load the
// log leader is killed and appends continue; a second node is killed and appends fail
// with an error, never an acknowledgment; one node returns and appends resume; finally
// every acknowledged append is read back with its payload, and no append was applied
// twice even though the client retried across leaders.

import { afterAll, expect, it } from 'vitest';
import { JournalClient, JournalClientError } from '../../../src/journal/client/journal-client.js';
import { RecordType } from '../../../src/journal/record-types.js';
import { Cluster, clusterSecret, currentLeader, firstLeadership, waitFor } from './cluster.js';

let cluster: Cluster | undefined;
const clients: JournalClient[] = [];
afterAll(async () => {
  for (const c of clients) c.close();
  await cluster?.stopAll();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('survives kill -9 of the leader, refuses without a quorum, resumes, loses nothing', async () => {
  cluster = await Cluster.start();
  const client = new JournalClient({ nodes: cluster.addresses, secret: clusterSecret, timeoutMs: 4000 });
  clients.push(client);
  const token = await firstLeadership(client, 'db-1');

  const acked = new Map<number, string>(); // id -> payload
  let stop = false;
  let counter = 0;
  const loop = async (k: number): Promise<void> => {
    while (!stop) {
      const payload = `w${k}-${counter++}`;
      try {
        const r = await client.append([{ type: RecordType.effects, engineVersion: 1, payload: Buffer.from(payload) }], { leaderToken: token });
        expect(r.lastId).toBe(r.firstId);
        expect(acked.has(r.firstId)).toBe(false);
        acked.set(r.firstId, payload);
      } catch (err) {
        expect(err).toBeInstanceOf(JournalClientError);
        await sleep(20);
      }
    }
  };
  let loops = [0, 1, 2, 3, 4, 5, 6, 7].map(loop);
  await waitFor(() => acked.size >= 50, 20_000, '50 acknowledged appends');

  // kill -9 the log leader under load: appends continue on the new leader
  const leader = currentLeader(cluster);
  expect(leader).toBeGreaterThan(0);
  await cluster.kill(leader);
  const afterFirstKill = acked.size;
  await waitFor(() => acked.size >= afterFirstKill + 50, 20_000, 'appends to continue after the leader was killed');
  stop = true;
  await Promise.all(loops);

  // kill a second node: no quorum; appends wait, then fail with an error
  const second = cluster.nodes.find((n) => cluster!.isRunning(n.id))!.id;
  await cluster.kill(second);
  const blocked = await Promise.allSettled(
    [0, 1, 2].map((i) => client.append([{ type: RecordType.effects, engineVersion: 1, payload: Buffer.from(`blocked-${i}`) }], { leaderToken: token })),
  );
  for (const b of blocked) {
    expect(b.status).toBe('rejected');
    const err = (b as PromiseRejectedResult).reason as JournalClientError;
    expect(err).toBeInstanceOf(JournalClientError);
    expect(['timeout', 'unavailable']).toContain(err.code);
  }

  // one node returns: appends resume
  await cluster.startNode(leader);
  stop = false;
  const resumedFrom = acked.size;
  loops = [0, 1, 2, 3].map(loop);
  await waitFor(() => acked.size >= resumedFrom + 20, 30_000, 'appends to resume with two nodes');
  stop = true;
  await Promise.all(loops);

  // everything acknowledged is there, with its payload; nothing was applied twice
  const { tailId } = await client.tail();
  const seen = new Map<string, number>();
  const reader = new JournalClient({ nodes: cluster.addresses, secret: clusterSecret });
  clients.push(reader);
  for await (const e of reader.read(1)) {
    if (e.type === RecordType.effects) {
      const text = Buffer.from(e.payload).toString();
      expect(seen.has(text), `payload ${text} applied twice`).toBe(false);
      seen.set(text, e.index);
    }
    if (e.index >= tailId) break;
  }
  for (const [id, payload] of acked) expect(seen.get(payload), `acknowledged ${payload} at ${id}`).toBe(id);
  expect(acked.size).toBeGreaterThan(120);
}, 120_000);
