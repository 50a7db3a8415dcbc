// JournalClient against scripted log nodes (real TCP, real handshake, in-process fake
// nodes): it follows notLeader hints, retries a lost append on another node with the
// SAME (writerId, writerSeq), reports definitive errors at once, fails with 'timeout'
// (never success) when nobody acknowledges, keeps many appends in flight, and its read
// stream follows the tail.

import type { Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { JournalClient, JournalClientError } from '../../../src/journal/client/journal-client.js';
import type { AppendRequest, ClientRequest, ClientResponse } from '../../../src/journal/messages.js';
import { startFakeNode, type FakeNode, type Script } from './fake-node.js';

const secret = 'client-test-secret';

const servers: Server[] = [];
const clients: JournalClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) s.close();
});

function fakeNode(script: Script): Promise<FakeNode> {
  return startFakeNode(script, secret, servers);
}

function client(nodes: FakeNode[], timeoutMs = 3000): JournalClient {
  const c = new JournalClient({ nodes: nodes.map((n) => n.address), secret, writerId: 42, timeoutMs });
  clients.push(c);
  return c;
}

const record = { type: 2, engineVersion: 1, payload: Buffer.from('r') };
const notLeader = (hint: number): Script => (req, reply) => reply({ kind: 'error', requestId: req.requestId, error: { code: 'notLeader', leaderHint: hint } });

describe('JournalClient', () => {
  it('follows a notLeader hint to the log leader', async () => {
    let nextId = 1;
    const leader: Script = (req, reply) => {
      if (req.kind === 'append') reply({ kind: 'appendOk', requestId: req.requestId, firstId: nextId, lastId: nextId++ });
    };
    const nodes = [await fakeNode(notLeader(3)), await fakeNode(notLeader(3)), await fakeNode(leader)];
    const c = client(nodes);
    expect(await c.append([record], { afterId: 0 })).toEqual({ firstId: 1, lastId: 1 });
    expect(await c.append([record], { leaderToken: 1 })).toEqual({ firstId: 2, lastId: 2 });
    expect(nodes[0]!.requests.length).toBe(1); // asked once, then remembered the leader
    expect(nodes[1]!.requests.length).toBe(0);
  });

  it('retries an append whose connection died on another node with the same writerSeq', async () => {
    const dying: Script = (_req, _reply, conn) => conn.close(); // the leader crashes mid-append
    const survivor: Script = (req, reply) => {
      if (req.kind === 'append') reply({ kind: 'appendOk', requestId: req.requestId, firstId: 7, lastId: 7 });
    };
    const nodes = [await fakeNode(dying), await fakeNode(survivor)];
    const c = client(nodes);
    expect(await c.append([record], { leaderToken: 5 })).toEqual({ firstId: 7, lastId: 7 });
    const first = nodes[0]!.requests[0] as AppendRequest;
    const retry = nodes[1]!.requests[0] as AppendRequest;
    expect([retry.writerId, retry.writerSeq]).toEqual([first.writerId, first.writerSeq]);
    expect(retry.writerId).toBe(42);
    // the next append gets the next sequence number
    await c.append([record], { leaderToken: 5 });
    expect((nodes[1]!.requests[1] as AppendRequest).writerSeq).toBe(first.writerSeq + 1);
  });

  it('rejects at once with tailMismatch and fenced, carrying the current ids', async () => {
    const node = await fakeNode((req, reply) => {
      if (req.kind !== 'append') return;
      const error = 'afterId' in req.condition ? { code: 'tailMismatch' as const, tailId: 12 } : { code: 'fenced' as const, currentToken: 9 };
      reply({ kind: 'error', requestId: req.requestId, error });
    });
    const c = client([node]);
    await expect(c.append([record], { afterId: 3 })).rejects.toMatchObject({ code: 'tailMismatch', detail: 12 });
    await expect(c.append([record], { leaderToken: 3 })).rejects.toMatchObject({ code: 'fenced', detail: 9 });
    expect(node.requests.length).toBe(2);
  });

  it('fails with timeout, never success, when no node acknowledges', async () => {
    const silent = await fakeNode(() => undefined);
    const unavailable = await fakeNode((req, reply) => reply({ kind: 'error', requestId: req.requestId, error: { code: 'unavailable', reason: 'log leadership lost' } }));
    const c = client([silent, unavailable], 600);
    const err = await c.append([record], { leaderToken: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JournalClientError);
    expect((err as JournalClientError).code).toBe('timeout');
    expect((err as Error).message).toMatch(/not acknowledged within 600 ms.*may or may not have been applied/);
  });

  it('an attempt with an earlier deadline than one already watched still times out on time', async () => {
    // A long read poll arms the link's deadline timer far ahead; an append on the same
    // connection must still fail at its own, earlier deadline (one timer per link, re-armed).
    const silent = await fakeNode(() => undefined);
    const c = client([silent], 300);
    const reads = c.read(1, { waitMs: 600_000 })[Symbol.asyncIterator]();
    const pendingRead = reads.next().catch(() => undefined);
    const start = Date.now();
    while (silent.requests.length < 1 && Date.now() - start < 5000) await new Promise((r) => setTimeout(r, 5));
    expect(silent.requests[0]?.kind).toBe('read');
    const err = await c.append([record], { leaderToken: 1 }).catch((e: unknown) => e);
    expect((err as JournalClientError).code).toBe('timeout');
    c.close();
    await pendingRead;
  });

  it('appendThen: the callback gets what append() would resolve or reject with, never before appendThen returns', async () => {
    let nextId = 1;
    const leader: Script = (req, reply) => {
      if (req.kind !== 'append') return;
      if ('afterId' in req.condition) reply({ kind: 'error', requestId: req.requestId, error: { code: 'tailMismatch', tailId: 4 } });
      else reply({ kind: 'appendOk', requestId: req.requestId, firstId: nextId, lastId: nextId++ });
    };
    const nodes = [await fakeNode(notLeader(2)), await fakeNode(leader)];
    const c = client(nodes);
    const call = (condition: { leaderToken: number } | { afterId: number }) =>
      new Promise<{ failure: Error | undefined; result: unknown; returned: boolean }>((resolve) => {
        let returned = false;
        c.appendThen([record], condition, (failure, result) => resolve({ failure, result, returned }));
        returned = true;
      });
    // The first goes to node 1, which is not the leader: it continues in the retry loop.
    expect(await call({ leaderToken: 1 })).toEqual({ failure: undefined, result: { firstId: 1, lastId: 1 }, returned: true });
    // The next goes straight to the leader it learned, and is answered from the socket read.
    expect(await call({ leaderToken: 1 })).toEqual({ failure: undefined, result: { firstId: 2, lastId: 2 }, returned: true });
    const refused = await call({ afterId: 0 });
    expect(refused.returned).toBe(true);
    expect(refused.failure).toMatchObject({ code: 'tailMismatch', detail: 4 });
    const sent = nodes[1]!.requests as AppendRequest[];
    expect(sent.map((r) => r.writerSeq)).toEqual([1, 2, 3]); // one writerSeq per call, in call order
  });

  it('keeps many appends in flight on one connection', async () => {
    const held: { req: ClientRequest; reply: (r: ClientResponse) => void }[] = [];
    const node = await fakeNode((req, reply) => held.push({ req, reply }));
    const c = client([node]);
    const results = Array.from({ length: 100 }, () => c.append([record], { leaderToken: 1 }));
    const start = Date.now();
    while (held.length < 100 && Date.now() - start < 5000) await new Promise((r) => setTimeout(r, 5));
    expect(held.length).toBe(100); // all sent before any answer
    held.reverse().forEach(({ req, reply }, i) => reply({ kind: 'appendOk', requestId: req.requestId, firstId: 100 - i, lastId: 100 - i }));
    const ids = (await Promise.all(results)).map((r) => r.firstId);
    expect(ids).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('shares one connection per node among the clients of a process; closing one fails only its own calls', async () => {
    const held: { req: ClientRequest; reply: (r: ClientResponse) => void }[] = [];
    let accepted = 0;
    const node = await fakeNode((req, reply) => held.push({ req, reply }));
    servers[servers.length - 1]!.on('connection', () => accepted++);
    const a = client([node]);
    const b = client([node]);
    const fromA = a.append([record], { leaderToken: 1 }).catch((e: unknown) => e);
    const fromB = b.append([record], { leaderToken: 1 });
    const start = Date.now();
    while (held.length < 2 && Date.now() - start < 5000) await new Promise((r) => setTimeout(r, 5));
    expect(held.length).toBe(2);
    expect(accepted).toBe(1); // both clients' requests came on one connection
    expect(held[0]!.req.requestId).not.toBe(held[1]!.req.requestId); // one requestId space per connection
    a.close();
    expect(await fromA).toMatchObject({ code: 'closed' });
    // b's request (sent second, on the same connection) is still in flight, and its answer reaches b
    held[1]!.reply({ kind: 'appendOk', requestId: held[1]!.req.requestId, firstId: 5, lastId: 5 });
    expect(await fromB).toEqual({ firstId: 5, lastId: 5 });
    const again = b.append([record], { leaderToken: 1 });
    while (held.length < 3 && Date.now() - start < 5000) await new Promise((r) => setTimeout(r, 5));
    held[2]!.reply({ kind: 'appendOk', requestId: held[2]!.req.requestId, firstId: 6, lastId: 6 });
    expect(await again).toEqual({ firstId: 6, lastId: 6 });
    expect(accepted).toBe(1); // a's close did not close the connection b still uses
  });

  it('moves to another node when one has nothing new (a lagging or cut-off follower)', async () => {
    const entry = (index: number) => ({ index, term: 1, type: 2, engineVersion: 1, writerId: 1, writerSeq: index, payload: Buffer.from(`e${index}`) });
    // Node 1 (tried first) never learns of a commit; node 2 has entries 1..3.
    const stale = await fakeNode((req, reply) => {
      if (req.kind === 'read') setTimeout(() => reply({ kind: 'readOk', requestId: req.requestId, entries: [], commitId: 0 }), 10);
    });
    const fresh = await fakeNode((req, reply) => {
      if (req.kind !== 'read') return;
      const entries: ReturnType<typeof entry>[] = [];
      for (let i = req.fromId; i <= 3; i++) entries.push(entry(i));
      reply({ kind: 'readOk', requestId: req.requestId, entries, commitId: 3 });
    });
    const c = client([stale, fresh]);
    const seen: number[] = [];
    for await (const e of c.read(1, { waitMs: 10 })) {
      seen.push(e.index);
      if (e.index === 3) break;
    }
    expect(seen).toEqual([1, 2, 3]);
  });

  it('streams committed entries from fromId and follows the tail', async () => {
    let committed = 3;
    const entry = (index: number) => ({ index, term: 1, type: 2, engineVersion: 1, writerId: 1, writerSeq: index, payload: Buffer.from(`e${index}`) });
    const node = await fakeNode((req, reply) => {
      if (req.kind !== 'read') return;
      const entries: ReturnType<typeof entry>[] = [];
      for (let i = req.fromId; i <= committed; i++) entries.push(entry(i));
      setTimeout(() => reply({ kind: 'readOk', requestId: req.requestId, entries, commitId: committed }), entries.length ? 0 : 20);
    });
    const c = client([node]);
    const seen: number[] = [];
    setTimeout(() => (committed = 6), 100);
    for await (const e of c.read(2)) {
      seen.push(e.index);
      expect(Buffer.from(e.payload).toString()).toBe(`e${e.index}`);
      if (e.index === 6) break;
    }
    expect(seen).toEqual([2, 3, 4, 5, 6]);
  });
});
