// Keyspace notifications (engine worker): Redis's notify.c. A command that changes a
// key calls notify(ctx, type, event, key) at the point where Redis calls
// notifyKeyspaceEvent; when `notify-keyspace-events` enables the event's class, a
// message goes to `__keyspace@<db>__:<key>` (payload: the event) and/or
// `__keyevent@<db>__:<event>` (payload: the key), through PubSub like a PUBLISH.
//
// Cost when disabled: one string comparison against the cached config value.
//
// Invariants: `cachedFlags` is the parse of `cachedString` (the config's canonical
// string); nothing here touches the keyspace or the write path.

import type { CommandContext } from './command.js';
import type { Engine } from './engine.js';
import { keyspaceEventsStringToFlags } from './config.js';
import type { OpenEntry } from './pubsub.js';

/** Event classes, the bits of config.ts's parse (notify.c's NOTIFY_*). */
export const NotifyType = {
  keyspace: 1 << 0,
  keyevent: 1 << 1,
  generic: 1 << 2,
  string: 1 << 3,
  list: 1 << 4,
  set: 1 << 5,
  hash: 1 << 6,
  zset: 1 << 7,
  expired: 1 << 8,
  evicted: 1 << 9,
  stream: 1 << 10,
  keyMiss: 1 << 11,
  module: 1 << 12,
  newKey: 1 << 13,
} as const;

let cachedString = '';
let cachedFlags = 0;

function flagsOf(engine: Engine): number {
  const s = engine.config.notifyKeyspaceEvents;
  if (s !== cachedString) {
    cachedString = s;
    cachedFlags = keyspaceEventsStringToFlags(s) ?? 0;
  }
  return cachedFlags;
}

/** Redis's notifyKeyspaceEvent, for the engine (expiry) or a handler. `key` is latin1. */
export function notifyKeyspaceEvent(engine: Engine, open: OpenEntry | null, type: number, event: string, key: string, dbIndex: number): void {
  if (engine.config.notifyKeyspaceEvents === '') return;
  const flags = flagsOf(engine);
  if ((flags & type) === 0) return;
  if (flags & NotifyType.keyspace) engine.pubsub.publish(`__keyspace@${dbIndex}__:${key}`, event, open);
  if (flags & NotifyType.keyevent) engine.pubsub.publish(`__keyevent@${dbIndex}__:${event}`, key, open);
}

/** A handler's notification: the current client's database; Buffer keys are bytes. */
export function notify(ctx: CommandContext, type: number, event: string, key: Buffer | string, dbIndex = ctx.db.index): void {
  const engine = ctx.engine as Engine;
  if (engine.config.notifyKeyspaceEvents === '') return;
  notifyKeyspaceEvent(engine, ctx, type, event, typeof key === 'string' ? key : key.latin1Slice(0, key.length), dbIndex);
}
