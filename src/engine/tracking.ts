// Client-side caching (engine worker): Redis 7.0's tracking.c. Which client may hold
// which key in its cache, and the invalidation messages when a key changes.
//
// - Default mode: after a read-only command of a tracking client (respecting OPTIN /
//   OPTOUT and CLIENT CACHING), its keys are remembered in `table` (key -> client ids;
//   keys without the db, as Redis's TrackingTable). A modified key is invalidated once
//   for every client that read it, and forgotten.
// - BCAST mode: a client registers prefixes; a modified key matching a prefix is queued
//   for it and broadcast at the end of the unit of work (Redis: before sleeping).
// - FLUSHALL/FLUSHDB: every tracking client gets a null invalidation; the table is
//   emptied.
// Messages: RESP3 push `>2 invalidate [keys]`; with REDIRECT, to the redirect client:
// a push in RESP3, or in RESP2 a `message` on `__redis__:invalidate` if it is
// subscribed (else nothing, as Redis). A redirect client gone: the tracking client is
// marked broken and told `tracking-redir-broken` (RESP3 only).
//
// Every message goes through PubSub's side entries, so it reaches the client after the
// reply of the command that caused it (Redis 7.0's tracking_pending_keys).
//
// Invariants: client.tracking is non-null iff the client tracks; a bcast prefix entry
// lists only clients whose own prefix list holds it; table sets may name clients that
// stopped tracking (cleaned when the key is invalidated, as Redis does).

import type { Client } from './client.js';
import type { CommandSpec } from './command.js';
import type { PubSub } from './pubsub.js';

export interface TrackingState {
  /** REDIRECT client id, 0 for none. */
  redirect: number;
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  /** CLIENT CACHING YES (optin) / NO (optout) given for the next command. */
  caching: boolean;
  brokenRedirect: boolean;
  /** BCAST prefixes, in registration order. */
  readonly prefixes: string[];
}

interface BcastPrefix {
  readonly clients: Set<Client>;
  /** Keys modified since the last broadcast -> the client that modified it (for NOLOOP). */
  readonly pending: Map<string, Client | null>;
}

const invalidateChannel = '__redis__:invalidate';
const invalidateBulk = Buffer.from('$10\r\ninvalidate\r\n', 'latin1');
const messageBulk = Buffer.from('$7\r\nmessage\r\n', 'latin1');
const channelBulk = Buffer.from(`$${invalidateChannel.length}\r\n${invalidateChannel}\r\n`, 'latin1');

export class Tracking {
  /** key -> ids of clients that may have it cached. */
  private readonly table = new Map<string, Set<number>>();
  private readonly prefixTable = new Map<string, BcastPrefix>();
  /** Set while FLUSHALL/FLUSHDB runs: per-key invalidations give way to one null. */
  flushing = false;
  trackingClients = 0;

  constructor(
    private readonly clients: ReadonlyMap<number, Client>,
    private readonly pubsub: PubSub,
  ) {}

  get tableKeys(): number {
    return this.table.size;
  }

  /** INFO tracking_total_items: (key, client) pairs remembered. */
  get tableItems(): number {
    let n = 0;
    for (const ids of this.table.values()) n += ids.size;
    return n;
  }

  /** INFO tracking_total_prefixes: BCAST prefixes in use. */
  get prefixCount(): number {
    return this.prefixTable.size;
  }

  /** Redis's enableTracking (options already validated). */
  enable(client: Client, redirect: number, bcast: boolean, optin: boolean, optout: boolean, noloop: boolean, prefixes: readonly string[]): void {
    let t = client.tracking;
    if (t === null) {
      t = { redirect: 0, bcast: false, optin: false, optout: false, noloop: false, caching: false, brokenRedirect: false, prefixes: [] };
      client.tracking = t;
      this.trackingClients++;
    }
    t.redirect = redirect;
    t.brokenRedirect = false;
    t.bcast = bcast;
    t.optin = optin;
    t.optout = optout;
    t.noloop = noloop;
    if (bcast) {
      if (prefixes.length === 0) this.addPrefix(client, '');
      for (const p of prefixes) this.addPrefix(client, p);
    }
  }

  private addPrefix(client: Client, prefix: string): void {
    const t = client.tracking!;
    if (t.prefixes.includes(prefix)) return;
    t.prefixes.push(prefix);
    let bp = this.prefixTable.get(prefix);
    if (bp === undefined) {
      bp = { clients: new Set(), pending: new Map() };
      this.prefixTable.set(prefix, bp);
    }
    bp.clients.add(client);
  }

  /** Redis's checkPrefixCollisionsOrReply: the error text, or null if the prefixes are fine. */
  prefixCollision(client: Client, prefixes: readonly string[]): string | null {
    const existing = client.tracking?.prefixes ?? [];
    for (let i = 0; i < prefixes.length; i++) {
      const p = prefixes[i]!;
      for (const e of existing) {
        if (e !== p && (e.startsWith(p) || p.startsWith(e))) {
          return `ERR Prefix '${p}' overlaps with an existing prefix '${e}'. Prefixes for a single client must not overlap.`;
        }
      }
      for (let j = i + 1; j < prefixes.length; j++) {
        const q = prefixes[j]!;
        if (q.startsWith(p) || p.startsWith(q)) {
          return `ERR Prefix '${p}' overlaps with another provided prefix '${q}'. Prefixes for a single client must not overlap.`;
        }
      }
    }
    return null;
  }

  /** Redis's disableTracking (also on disconnect and RESET). */
  disable(client: Client): void {
    const t = client.tracking;
    if (t === null) return;
    for (const p of t.prefixes) {
      const bp = this.prefixTable.get(p);
      if (bp === undefined) continue;
      bp.clients.delete(client);
      if (bp.clients.size === 0) this.prefixTable.delete(p);
    }
    client.tracking = null;
    this.trackingClients--;
  }

  /**
   * After a command ran (Redis's call()): a tracking client's read-only command
   * remembers its keys; at top level the CLIENT CACHING flag is spent.
   */
  afterCall(client: Client, spec: CommandSpec, argv: readonly Buffer[], topLevel: boolean): void {
    const t = client.tracking;
    if (t === null) return;
    if (!t.bcast && spec.flags.includes('readonly') && !(t.optin && !t.caching) && !(t.optout && t.caching)) {
      for (const i of keyIndexes(spec, argv)) {
        const key = argv[i]!.latin1Slice(0, argv[i]!.length);
        let ids = this.table.get(key);
        if (ids === undefined) {
          ids = new Set();
          this.table.set(key, ids);
        }
        ids.add(client.id);
      }
    }
    // Redis 7.0's resetClient compares the proc: every CLIENT subcommand is clientCommand.
    if (topLevel && client.multi === null && !spec.name.startsWith('client|')) t.caching = false;
  }

  /** Redis's trackingInvalidateKey, from the keyspace's modified hook. */
  keyModified(key: string, current: Client | null): void {
    if (this.trackingClients === 0 || this.flushing) return;
    if (this.prefixTable.size !== 0) {
      for (const [prefix, bp] of this.prefixTable) if (key.startsWith(prefix)) bp.pending.set(key, current);
    }
    const ids = this.table.get(key);
    if (ids === undefined) return;
    this.table.delete(key);
    for (const id of ids) {
      const target = this.clients.get(id);
      if (target === undefined || target.tracking === null || target.tracking.bcast) continue;
      if (target.tracking.noloop && target === current) continue;
      this.send(target, [key]);
    }
  }

  /** FLUSHALL/FLUSHDB: a null invalidation to every tracking client; the table empties. */
  flushed(): void {
    if (this.trackingClients !== 0) {
      for (const c of this.clients.values()) if (c.tracking !== null) this.send(c, null);
    }
    this.table.clear();
  }

  /** Redis's trackingBroadcastInvalidationMessages: the queued BCAST keys, per prefix. */
  broadcast(): void {
    if (this.prefixTable.size === 0) return;
    for (const bp of this.prefixTable.values()) {
      if (bp.pending.size === 0) continue;
      for (const c of bp.clients) {
        const keys: string[] = [];
        for (const [key, by] of bp.pending) if (!(c.tracking!.noloop && by === c)) keys.push(key);
        if (keys.length > 0) this.send(c, keys);
      }
      bp.pending.clear();
    }
  }

  /** Redis's sendTrackingMessage: `keys` null is the flush's null. */
  private send(client: Client, keys: readonly string[] | null): void {
    const t = client.tracking!;
    let target = client;
    let redirected = false;
    if (t.redirect !== 0) {
      const redir = this.clients.get(t.redirect);
      if (redir === undefined || redir.closing) {
        if (!t.brokenRedirect) {
          t.brokenRedirect = true;
          if (client.resp === 3) {
            const w = this.pubsub.writerFor(client, null);
            w.push(2);
            w.bulkLatin1('tracking-redir-broken');
            w.int(t.redirect);
            this.pubsub.done(w, null);
          }
        }
        return;
      }
      target = redir;
      redirected = true;
    }
    if (target.resp === 3) {
      const w = this.pubsub.writerFor(target, null);
      w.push(2);
      w.raw(invalidateBulk);
      writeKeys(w, keys, client.resp);
      this.pubsub.done(w, null);
    } else if (redirected && target.pubsubMode) {
      const w = this.pubsub.writerFor(target, null);
      w.push(3);
      w.raw(messageBulk);
      w.raw(channelBulk);
      writeKeys(w, keys, client.resp);
      this.pubsub.done(w, null);
    }
  }
}

function writeKeys(w: import('./reply.js').ReplyWriter, keys: readonly string[] | null, nullResp: 2 | 3): void {
  if (keys === null) {
    // Redis writes shared.null[c->resp] of the tracking client, whatever the target speaks.
    w.raw(nullResp === 3 ? nullResp3 : nullResp2);
    return;
  }
  w.array(keys.length);
  for (const k of keys) w.bulkLatin1(k);
}

const nullResp2 = Buffer.from('$-1\r\n', 'latin1');
const nullResp3 = Buffer.from('_\r\n', 'latin1');

/** The key argument indexes of a command, from its legacy positions or getKeys. */
function keyIndexes(spec: CommandSpec, argv: readonly Buffer[]): number[] {
  if (spec.getKeys !== undefined) return spec.getKeys(argv);
  if (spec.firstKey <= 0) return [];
  const last = spec.lastKey < 0 ? argv.length + spec.lastKey : spec.lastKey;
  const out: number[] = [];
  for (let i = spec.firstKey; i <= last && i < argv.length; i += Math.max(1, spec.keyStep)) out.push(i);
  return out;
}
