// The tracker alone (src/durability/tracker.ts) on a real in-process Engine, wired the
// way the engine worker wires it: every effect record gets its seq from the tracker,
// and "the journal" is this test, which decides when each seq commits.
//
// Held writes, reads of touched keys vs other keys, keyless readers of the whole
// keyspace, per-client order, lazily expired keys, MULTI/EXEC as one record, unchanged
// writes not journaled, and failing every held reply when the journal gives up.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { keySlot, Tracker } from '../../src/durability/tracker.js';
import type { EffectRecord } from '../../src/engine/effects.js';
import { EntryKind, ReplyWriter } from '../../src/engine/reply.js';
import { FakeClock, newEngine, openClient, parseEntries, type ReplyEntry, ownedEffectRecord } from '../engine/support/run.js';

function setup() {
  const clock = new FakeClock();
  const engine = newEngine({ clock: clock.now });
  const tracker = new Tracker((argv) => engine.resolve(argv));
  const records: { seq: number; record: EffectRecord }[] = [];
  engine.tracker = tracker;
  engine.onEffects = (record) => records.push({ seq: tracker.noteWrite(record), record: ownedEffectRecord(record) });
  const run = (client: number, ...argv: string[]): ReplyEntry[] => {
    const out = new ReplyWriter(256);
    engine.execute(client, argv.map((a) => Buffer.from(a, 'latin1')), out);
    return parseEntries(out);
  };
  const commit = (seq: number): ReplyEntry[] => {
    const out = new ReplyWriter(256);
    tracker.release(seq, out);
    return parseEntries(out);
  };
  const text = (entries: ReplyEntry[], client?: number): string[] =>
    entries.filter((e) => e.kind === EntryKind.reply && (client === undefined || e.clientId === client)).map((e) => e.body.toString('latin1'));
  return { clock, engine, tracker, records, run, commit, text };
}

describe('tracker', () => {
  it('holds a write until its record commits; reads of other keys answer at once', () => {
    const t = setup();
    const c1 = openClient(t.engine);
    const c2 = openClient(t.engine);
    expect(t.text(t.run(c1, 'SET', 'k', 'v'))).toEqual([]);
    expect(t.records.map((r) => r.seq)).toEqual([1]);
    expect(t.tracker.heldCount).toBe(1);
    // Another client: a key nobody touched answers now; the touched key waits.
    expect(t.text(t.run(c2, 'GET', 'other'))).toEqual(['$-1\r\n']);
    expect(t.text(t.run(c2, 'GET', 'k'))).toEqual([]);
    expect(t.tracker.heldCount).toBe(2);
    expect([...t.tracker.heldClientIds()].sort()).toEqual([c1, c2].sort());
    const released = t.commit(1);
    expect(t.text(released, c1)).toEqual(['+OK\r\n']);
    expect(t.text(released, c2)).toEqual(['$1\r\nv\r\n']);
    expect(t.tracker.heldCount).toBe(0);
    expect([...t.tracker.heldClientIds()]).toEqual([]);
    // Once committed, the key reads at once.
    expect(t.text(t.run(c2, 'GET', 'k'))).toEqual(['$1\r\nv\r\n']);
  });

  it('resolves each command name as sent, whatever it last resolved (the name cache): PING and GET share a cache slot', () => {
    const t = setup();
    const c1 = openClient(t.engine);
    const idle = openClient(t.engine);
    const readers = [openClient(t.engine), openClient(t.engine), openClient(t.engine), openClient(t.engine)];
    expect(t.text(t.run(c1, 'SET', 'k', 'v'))).toEqual([]);
    for (const [i, reader] of readers.entries()) {
      // A keyless command answers at once, a read of the pending key waits: a spec taken
      // from the wrong cached name would get one of them wrong.
      expect(t.text(t.run(idle, i % 2 === 0 ? 'PING' : 'ping'))).toEqual(['+PONG\r\n']);
      expect(t.text(t.run(reader, i % 2 === 0 ? 'GET' : 'get', 'k'))).toEqual([]);
      expect(t.text(t.run(idle, 'ECHO', 'k'))).toEqual(['$1\r\nk\r\n']);
    }
    // A subcommand is resolved with its container each time: OBJECT ENCODING reads the key.
    expect(t.text(t.run(idle, 'OBJECT', 'ENCODING', 'k'))).toEqual([]);
    const released = t.commit(1);
    for (const reader of readers) expect(t.text(released, reader)).toEqual(['$1\r\nv\r\n']);
    expect(t.text(released, idle)).toEqual(['$6\r\nembstr\r\n']);
  });

  it('holds what a write sends other clients (keyspace notifications) until it commits; PUBLISH is not held', () => {
    const t = setup();
    const writer = openClient(t.engine);
    const sub = openClient(t.engine);
    t.run(writer, 'CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    expect(t.text(t.run(sub, 'SUBSCRIBE', '__keyspace@0__:k', 'news'))).toHaveLength(1);
    const during = t.run(writer, 'SET', 'k', 'v');
    expect(t.text(during, sub)).toEqual([]);
    // Pub/Sub itself touches no key and is not journaled: it is delivered at once.
    const published = t.run(writer, 'PUBLISH', 'news', 'hi');
    expect(t.text(published, sub)).toEqual([]); // held behind the sub's held notification, in order
    const released = t.commit(1);
    expect(t.text(released, sub)).toEqual([
      '*3\r\n$7\r\nmessage\r\n$16\r\n__keyspace@0__:k\r\n$3\r\nset\r\n',
      '*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n',
    ]);
    expect(t.text(released, writer)).toEqual(['+OK\r\n', ':1\r\n']);
  });

  it('keeps each client\'s replies in order behind a held one', () => {
    const t = setup();
    const c = openClient(t.engine);
    t.run(c, 'SET', 'k', '1');
    expect(t.text(t.run(c, 'PING'))).toEqual([]);
    expect(t.text(t.run(c, 'GET', 'unrelated'))).toEqual([]);
    t.run(c, 'INCR', 'k');
    expect(t.records.map((r) => r.seq)).toEqual([1, 2]);
    // Seq 1 commits: SET, PING and GET leave, in order; INCR still waits for seq 2.
    expect(t.text(t.commit(1))).toEqual(['+OK\r\n', '+PONG\r\n', '$-1\r\n']);
    expect(t.tracker.heldCount).toBe(1);
    expect(t.text(t.commit(2))).toEqual([':2\r\n']);
  });

  it('a write that changed nothing is not journaled; its reply still waits for what it read', () => {
    const t = setup();
    const c = openClient(t.engine);
    t.run(c, 'SET', 'k', 'v');
    t.commit(1);
    expect(t.text(t.run(c, 'SET', 'k', 'w', 'NX'))).toEqual(['$-1\r\n']);
    expect(t.records).toHaveLength(1);
    const d = openClient(t.engine);
    t.run(d, 'SET', 'j', 'x');
    // SETNX on j reads an uncommitted write: it waits for it (and is not journaled).
    expect(t.text(t.run(c, 'SETNX', 'j', 'y'))).toEqual([]);
    expect(t.records).toHaveLength(2);
    expect(t.text(t.commit(2), c)).toEqual([':0\r\n']);
  });

  it('keyless readers of the keyspace wait for the latest write; keyspace-independent commands do not', () => {
    const t = setup();
    const w = openClient(t.engine);
    const r = openClient(t.engine);
    t.run(w, 'SET', 'a', '1');
    t.run(w, 'SET', 'b', '2');
    expect(t.text(t.run(r, 'DBSIZE'))).toEqual([]);
    const p = openClient(t.engine);
    expect(t.text(t.run(p, 'PING'))).toEqual(['+PONG\r\n']);
    expect(t.text(t.commit(1), r)).toEqual([]);
    expect(t.text(t.commit(2), r)).toEqual([':2\r\n']);
  });

  it('a lazily expired key is deleted in the reader\'s own record, and the reader waits for it', () => {
    const t = setup();
    const c = openClient(t.engine);
    t.run(c, 'SET', 'k', 'v', 'PX', '10');
    t.commit(1);
    t.clock.advance(50);
    expect(t.text(t.run(c, 'GET', 'k'))).toEqual([]);
    expect(t.records).toHaveLength(2);
    expect(t.records[1]!.record.effects[0]!.argv.map((a) => a.toString())).toEqual(['DEL', 'k']);
    expect(t.text(t.commit(2))).toEqual(['$-1\r\n']);
  });

  it('MULTI/EXEC is one record; its EXEC reply waits for it, and a queued read waits for the keys it reads', () => {
    const t = setup();
    const c = openClient(t.engine);
    const d = openClient(t.engine);
    t.run(c, 'MULTI');
    t.run(c, 'SET', 'x', '1');
    t.run(c, 'INCR', 'x');
    expect(t.text(t.run(c, 'EXEC'))).toEqual([]);
    expect(t.records).toHaveLength(1);
    expect(t.records[0]!.record.effects).toHaveLength(2);
    t.run(d, 'MULTI');
    t.run(d, 'GET', 'x');
    expect(t.text(t.run(d, 'EXEC'))).toEqual([]);
    const out = t.commit(1);
    expect(t.text(out, c).join('')).toContain('*2\r\n+OK\r\n:2\r\n');
    expect(t.text(out, d).join('')).toContain('*1\r\n$1\r\n2\r\n');
  });

  it('when the journal gives up, held replies that depended on it fail; replies held only for order leave as they are', () => {
    const t = setup();
    const c = openClient(t.engine);
    t.run(c, 'SET', 'k', 'v');
    t.run(c, 'PING');
    const out = new ReplyWriter(256);
    t.tracker.failAll(out, 'ERR write not confirmed durable (test); its outcome is unknown');
    expect(t.text(parseEntries(out))).toEqual(['-ERR write not confirmed durable (test); its outcome is unknown\r\n', '+PONG\r\n']);
    expect(t.tracker.heldCount).toBe(0);
    expect(t.tracker.hasPending).toBe(false);
    // New writes get fresh seqs above every failed one.
    t.run(c, 'SET', 'k', 'w');
    expect(t.records.at(-1)!.seq).toBe(2);
    expect(t.text(t.commit(2))).toEqual(['+OK\r\n']);
  });

  it('a client woken from BLPOP learns only committed data: its reply waits for its own record, after the push', () => {
    const t = setup();
    const waiter = openClient(t.engine);
    const pusher = openClient(t.engine);
    expect(t.text(t.run(waiter, 'BLPOP', 'q', '0'))).toEqual([]); // blocks
    const pushed = t.run(pusher, 'RPUSH', 'q', 'job');
    expect(t.text(pushed)).toEqual([]); // both replies held
    expect(t.records.map((r) => r.seq)).toEqual([1, 2]);
    const first = t.commit(1);
    expect(t.text(first, pusher)).toEqual([':1\r\n']);
    expect(t.text(first, waiter)).toEqual([]);
    expect(t.text(t.commit(2), waiter)).toEqual(['*2\r\n$1\r\nq\r\n$3\r\njob\r\n']);
  });

  it('a client that closes drops its held replies', () => {
    const t = setup();
    const c = openClient(t.engine);
    t.run(c, 'SET', 'k', 'v');
    expect(t.tracker.heldCount).toBe(1);
    t.engine.closeClient(c);
    t.tracker.dropClient(c);
    expect(t.tracker.heldCount).toBe(0);
    expect(t.commit(1)).toEqual([]);
  });

  it('two keys sharing a dependency slot: a read of the other key waits too (never shows uncommitted data), and answers at the commit', () => {
    // Find two keys of database 0 that hash into the same slot (birthday search).
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; pair === undefined; i++) {
      const key = `key:${i}`;
      const slot = keySlot(0, Buffer.from(key, 'latin1'));
      const other = seen.get(slot);
      if (other !== undefined) pair = [other, key];
      seen.set(slot, key);
    }
    const [a, b] = pair;
    const t = setup();
    const c1 = openClient(t.engine);
    const c2 = openClient(t.engine);
    expect(t.text(t.run(c1, 'SET', b, 'old'))).toEqual([]);
    t.commit(1);
    expect(t.text(t.run(c1, 'SET', a, 'v'))).toEqual([]);
    expect(t.text(t.run(c2, 'GET', b))).toEqual([]); // same slot: waits for seq 2
    const c3 = openClient(t.engine); // c2 now has a held reply: its later ones queue behind it
    expect(t.text(t.run(c3, 'GET', 'elsewhere'))).toEqual(['$-1\r\n']);
    const released = t.commit(2);
    expect(t.text(released, c1)).toEqual(['+OK\r\n']);
    expect(t.text(released, c2)).toEqual(['$3\r\nold\r\n']);
  });

  it('MSET notes every key it writes (plain key positions with a step)', () => {
    const t = setup();
    const c1 = openClient(t.engine);
    const c2 = openClient(t.engine);
    expect(t.text(t.run(c1, 'MSET', 'x', '1', 'y', '2'))).toEqual([]);
    expect(t.text(t.run(c2, 'GET', 'x'))).toEqual([]);
    expect(t.text(t.run(c2, 'GET', 'y'))).toEqual([]);
    const c3 = openClient(t.engine); // c2 now has held replies: its later ones queue behind them
    expect(t.text(t.run(c3, 'GET', '1'))).toEqual(['$-1\r\n']); // a value is not a key
    expect(t.text(t.commit(1), c2)).toEqual(['$1\r\n1\r\n', '$1\r\n2\r\n']);
  });

  it('a long pipeline of held replies leaves in order across partial commits (queue growth and reuse)', () => {
    const t = setup();
    const c = openClient(t.engine);
    const other = openClient(t.engine);
    const value = 'x'.repeat(300); // entries larger than the queue's first buffer
    for (let i = 1; i <= 200; i++) expect(t.text(t.run(c, 'SET', `k${i}`, value))).toEqual([]);
    expect(t.text(t.run(c, 'GET', 'k1'))).toEqual([]); // behind the held SETs
    expect(t.tracker.heldCount).toBe(201);
    let released = t.text(t.commit(70), c);
    expect(released).toEqual(new Array(70).fill('+OK\r\n'));
    for (let i = 201; i <= 260; i++) t.run(c, 'SET', `k${i}`, value);
    released = t.text(t.commit(200), c);
    expect(released).toEqual([...new Array(130).fill('+OK\r\n'), `$300\r\n${value}\r\n`]);
    expect(t.text(t.run(other, 'GET', 'k5'))).toEqual([`$300\r\n${value}\r\n`]);
    released = t.text(t.commit(260), c);
    expect(released).toEqual(new Array(60).fill('+OK\r\n'));
    expect(t.tracker.heldCount).toBe(0);
    // Drained, the client answers at once again.
    expect(t.text(t.run(c, 'GET', 'k260'))).toEqual([`$300\r\n${value}\r\n`]);
  });

  it('matches a model under random SET/GET/PING from several clients, partial commits and closes: each client\'s replies in order, none before its seq commits, none later than needed', () => {
    const keys = ['a', 'b', 'c', 'd'];
    // The model is exact only if no two keys share a dependency slot.
    expect(new Set(keys.map((k) => keySlot(0, Buffer.from(k)))).size).toBe(keys.length);
    type Op =
      | { kind: 'set'; client: number; key: number; value: number }
      | { kind: 'get'; client: number; key: number }
      | { kind: 'ping'; client: number }
      | { kind: 'commit'; fraction: number }
      | { kind: 'close'; client: number };
    const client = fc.nat(4);
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('set' as const), client, key: fc.nat(3), value: fc.nat(99) }) },
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('get' as const), client, key: fc.nat(3) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('ping' as const), client }) },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('commit' as const), fraction: fc.double({ min: 0, max: 1, noNaN: true }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), client }) },
    );
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 120 }), (ops) => {
        const t = setup();
        // Five client slots; a closed one reopens under a new id.
        const ids = [0, 1, 2, 3, 4].map(() => openClient(t.engine));
        const values = new Map<string, string>();
        const lastWrite = new Map<string, number>();
        let latest = 0;
        let committed = 0;
        /** Per client id: [reply, need] not yet emitted, in order; and what was emitted. */
        const pending = new Map<number, { reply: string; need: number }[]>();
        const emitted = new Map<number, string[]>();
        const expectEmitted = new Map<number, string[]>();
        const take = (entries: ReplyEntry[]): void => {
          for (const e of entries) {
            if (e.kind !== EntryKind.reply) continue;
            const list = emitted.get(e.clientId) ?? [];
            list.push(e.body.toString('latin1'));
            emitted.set(e.clientId, list);
          }
        };
        /** The model's release: each client's prefix of entries whose need is committed. */
        const modelRelease = (): void => {
          for (const [id, list] of pending) {
            while (list.length > 0 && list[0]!.need <= committed) {
              const want = expectEmitted.get(id) ?? [];
              want.push(list.shift()!.reply);
              expectEmitted.set(id, want);
            }
          }
        };
        for (const op of ops) {
          if (op.kind === 'commit') {
            const to = committed + Math.floor((latest - committed) * op.fraction);
            if (to > committed) {
              committed = to;
              take(t.commit(to));
              modelRelease();
            }
          } else if (op.kind === 'close') {
            const id = ids[op.client]!;
            t.engine.closeClient(id);
            t.tracker.dropClient(id);
            pending.delete(id);
            ids[op.client] = openClient(t.engine);
          } else {
            const id = ids[op.client]!;
            let reply: string;
            let own: number;
            if (op.kind === 'set') {
              const key = keys[op.key]!;
              take(t.run(id, 'SET', key, String(op.value)));
              values.set(key, String(op.value));
              lastWrite.set(key, ++latest);
              reply = '+OK\r\n';
              own = latest;
            } else if (op.kind === 'get') {
              const key = keys[op.key]!;
              take(t.run(id, 'GET', key));
              const v = values.get(key);
              reply = v === undefined ? '$-1\r\n' : `$${v.length}\r\n${v}\r\n`;
              own = lastWrite.get(key) ?? 0;
            } else {
              take(t.run(id, 'PING'));
              reply = '+PONG\r\n';
              own = 0;
            }
            const list = pending.get(id) ?? [];
            const behind = list.length > 0 ? list[list.length - 1]!.need : 0;
            list.push({ reply, need: Math.max(own > committed ? own : 0, behind) });
            pending.set(id, list);
            modelRelease();
          }
          // After every step: exactly what the model released, in each client's order.
          expect(Object.fromEntries(emitted)).toEqual(Object.fromEntries(expectEmitted));
          let held = 0;
          for (const list of pending.values()) held += list.length;
          expect(t.tracker.heldCount).toBe(held);
        }
        // Everything commits: nothing stays held.
        committed = latest;
        take(t.commit(latest));
        modelRelease();
        expect(Object.fromEntries(emitted)).toEqual(Object.fromEntries(expectEmitted));
        expect(t.tracker.heldCount).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});
