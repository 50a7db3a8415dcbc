// Pub/Sub routing (engine worker): Redis's pubsub.c server side. Who listens to which
// channel, pattern or shard channel, and the delivery of a message to every listener.
//
// Delivery: a message for the client whose reply entry is open (the publisher itself,
// in RESP3) is written straight into that entry, where Redis puts it in the client's
// output buffer (before the command's own reply). A message for any other client cannot
// go into the open entry; it is framed as its own entry in `side`, and the engine moves
// `side` into the batch (flush) once the unit of work's entry is closed. Per client,
// messages keep publication order, since both paths append in order.
//
// Pub/Sub messages are not data: nothing here touches the keyspace or the write path
// (PUBLISH raises no dirty counter, so no effect is recorded).
//
// Invariants: client.channels has `name` iff channels.get(name) has the client (same
// for patterns and shard channels); an empty subscriber set is removed from the map;
// client.pubsubMode is Redis's CLIENT_PUBSUB flag: set by a subscription, cleared when
// the client's last (non-shard and shard) subscription goes.

import type { Client } from './client.js';
import { globMatch } from './glob.js';
import { EntryKind, ReplyWriter } from './reply.js';

export type PubsubKind = 'channel' | 'pattern' | 'shard';

/** Where a delivery to the current client goes: its open reply entry. */
export interface OpenEntry {
  readonly client: Client;
  readonly reply: ReplyWriter;
}

const messageBulk = Buffer.from('$7\r\nmessage\r\n', 'latin1');
const pmessageBulk = Buffer.from('$8\r\npmessage\r\n', 'latin1');
const smessageBulk = Buffer.from('$8\r\nsmessage\r\n', 'latin1');

export class PubSub {
  /** channel (latin1) -> subscribers, in subscription order (Redis keeps a list). */
  readonly channels = new Map<string, Set<Client>>();
  readonly patterns = new Map<string, Set<Client>>();
  readonly shardChannels = new Map<string, Set<Client>>();
  /** Entries for clients other than the current one, waiting for flush(). */
  private readonly side = new ReplyWriter(4096);

  private mapOf(kind: PubsubKind): Map<string, Set<Client>> {
    return kind === 'channel' ? this.channels : kind === 'pattern' ? this.patterns : this.shardChannels;
  }

  private setOf(client: Client, kind: PubsubKind): Set<string> {
    return kind === 'channel' ? client.channels : kind === 'pattern' ? client.patterns : client.shardChannels;
  }

  /** Adds a subscription; false if the client already had it. */
  subscribe(client: Client, kind: PubsubKind, name: string): boolean {
    const own = this.setOf(client, kind);
    if (own.has(name)) return false;
    own.add(name);
    const map = this.mapOf(kind);
    let subs = map.get(name);
    if (subs === undefined) {
      subs = new Set();
      map.set(name, subs);
    }
    subs.add(client);
    client.pubsubMode = true;
    return true;
  }

  /** Removes a subscription; false if the client did not have it. */
  unsubscribe(client: Client, kind: PubsubKind, name: string): boolean {
    const own = this.setOf(client, kind);
    if (!own.delete(name)) return false;
    const map = this.mapOf(kind);
    const subs = map.get(name)!;
    subs.delete(client);
    if (subs.size === 0) map.delete(name);
    return true;
  }

  /** Redis's CLIENT_PUBSUB: cleared once the client has no subscription of any kind. */
  updateMode(client: Client): void {
    if (client.channels.size + client.patterns.size + client.shardChannels.size === 0) client.pubsubMode = false;
  }

  /** Drops every subscription without telling the client (disconnect, RESET). */
  removeClient(client: Client): void {
    for (const kind of ['channel', 'pattern', 'shard'] as const) {
      for (const name of [...this.setOf(client, kind)]) this.unsubscribe(client, kind, name);
    }
    client.pubsubMode = false;
  }

  /**
   * PUBLISH (or a keyspace notification): delivers to channel subscribers, then to every
   * matching pattern's subscribers; returns the number of deliveries (Redis's receivers).
   */
  publish(channel: string, message: Buffer | string, open: OpenEntry | null): number {
    let receivers = 0;
    const subs = this.channels.get(channel);
    if (subs !== undefined) {
      for (const c of subs) {
        const w = this.writerFor(c, open);
        w.push(3);
        w.raw(messageBulk);
        w.bulkLatin1(channel);
        bulkAny(w, message);
        this.done(w, open);
        receivers++;
      }
    }
    if (this.patterns.size !== 0) {
      for (const [pattern, clients] of this.patterns) {
        if (!globMatch(pattern, channel)) continue;
        for (const c of clients) {
          const w = this.writerFor(c, open);
          w.push(4);
          w.raw(pmessageBulk);
          w.bulkLatin1(pattern);
          w.bulkLatin1(channel);
          bulkAny(w, message);
          this.done(w, open);
          receivers++;
        }
      }
    }
    return receivers;
  }

  /** SPUBLISH: shard channel subscribers only. */
  spublish(channel: string, message: Buffer | string, open: OpenEntry | null): number {
    const subs = this.shardChannels.get(channel);
    if (subs === undefined) return 0;
    for (const c of subs) {
      const w = this.writerFor(c, open);
      w.push(3);
      w.raw(smessageBulk);
      w.bulkLatin1(channel);
      bulkAny(w, message);
      this.done(w, open);
    }
    return subs.size;
  }

  /**
   * A writer positioned for one push to `target`: the open entry if it is the target's,
   * else a new side entry. Pair with done().
   */
  writerFor(target: Client, open: OpenEntry | null): ReplyWriter {
    if (open !== null && open.client === target) {
      open.reply.resp = target.resp;
      return open.reply;
    }
    const side = this.side;
    side.resp = target.resp;
    side.beginEntry(EntryKind.reply, target.id);
    return side;
  }

  done(w: ReplyWriter, _open: OpenEntry | null): void {
    if (w === this.side) w.endEntry();
  }

  /** True if entries for other clients are waiting. */
  get pending(): boolean {
    return this.side.length !== 0;
  }

  /** Moves the waiting entries into the batch (no entry may be open in `out`). */
  flush(out: ReplyWriter): void {
    if (this.side.length === 0) return;
    out.raw(this.side.buf.subarray(0, this.side.length));
    this.side.reset();
  }

  /** Forgets waiting entries (a journal replay has no listeners to tell). */
  discard(): void {
    this.side.reset();
  }
}

function bulkAny(w: ReplyWriter, v: Buffer | string): void {
  if (typeof v === 'string') w.bulkLatin1(v);
  else w.bulk(v);
}
