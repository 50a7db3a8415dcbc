// The engine worker's side of the control plane (engine worker thread): installs the
// ScriptWatch the Lua VM consults while a script runs and the engine's control hooks
// (CONFIG SET publishes what the io-mux enforces; SHUTDOWN leaves), over the shared
// control area (control-area.ts). Kept out of engine-worker.ts so the worker loop only
// counts records and routes the busy gate's markers here.
//
// Invariants: BUSY is published only from the Lua count hook, with the client bitmaps,
// the running-function record and the busy record written first; the owed and
// stats-wait bitmaps over-approximate (a collision only makes a client wait), a RESP3
// bit shared with a RESP2 client sets stats-wait, so the io-mux never answers in the
// wrong protocol, and a MULTI bit stays set only if no client outside MULTI shares it
// (so no one outside MULTI is made to wait for a script that may never end).

import { assert } from '../assert.js';
import { busyReplyThresholdOf, installScriptWatch, setControlHooks } from '../engine/control-hooks.js';
import type { Engine } from '../engine/engine.js';
import { EntryKind, type ReplyWriter } from '../engine/reply.js';
import type { Tracker } from '../durability/tracker.js';
import { functionCounts } from '../engine/commands/scripting.js';
import { runningScriptInfo } from '../engine/scripting/lua-vm.js';
import { busyRunningScriptBytesMax } from '../limits.js';
import type { BusyPump } from './busy-pump.js';
import { BusyChange, type ControlArea } from './control-area.js';

export interface EngineControlOptions {
  /** The request record the worker executes now (1-based count of records popped). */
  currentRecord(): number;
  /** With a journal: its tracker (replies it holds make their clients owe). */
  tracker?: Tracker;
  /** SHUTDOWN ran: stop executing and tell the main thread. */
  onShutdown(): void;
  /** Answers the requests queued behind a busy script (busy-pump.ts). */
  pump?: BusyPump;
}

export function installEngineControl(engine: Engine, control: ControlArea, opts: EngineControlOptions): void {
  const markOwedClients = (): void => {
    control.clearOwed();
    for (const c of engine.clients.values()) {
      if (c.blocked || engine.blocking.isBlocked(c) || c.deferred.length > 0 || (c.pubsubMode && c.resp === 2) || c.replyMode !== 'on') {
        control.markOwed(c.id);
      }
      if (c.resp === 3) control.markResp3(c.id);
      if (c.multi !== null) control.markMulti(c.id);
      else control.markOutsideMulti(c.id);
    }
    for (const c of engine.clients.values()) {
      if (c.resp !== 3) control.markResp2(c.id);
      if (c.multi === null) control.unmarkMulti(c.id);
      else control.unmarkOutsideMulti(c.id);
    }
    const tracker = opts.tracker;
    if (tracker === undefined || tracker.heldCount === 0) return;
    // A client with replies held for the journal owes them before any the gate could give.
    for (const id of tracker.heldClientIds()) control.markOwed(id);
  };

  installScriptWatch({
    thresholdMs: () => busyReplyThresholdOf(engine.config),
    isWrite: (argv) => engine.resolve(argv)?.flags.includes('write') ?? false,
    publishBusy: (generation, isFunction, dirty) => {
      markOwedClients();
      publishRunning(control, engine, isFunction);
      // Before BUSY is visible: the replies and messages written so far leave first, so
      // nothing the io-mux's gate answers from now on can overtake them.
      opts.pump?.onBusy(isFunction);
      control.publishBusy(generation, isFunction, dirty, opts.currentRecord(), 0);
    },
    whileBusy: () => opts.pump?.run(),
    markDirty: () => control.markDirty(),
    killed: () => control.killed,
    endBusy: () => {
      control.clearBusy();
      opts.pump?.onEnd();
    },
  });

  setControlHooks(engine, {
    configChanged: () =>
      control.publishConfig({
        maxClients: engine.config.maxclients,
        protoMaxBulkLen: engine.config.protoMaxBulkLen,
        queryBufferBytesMax: engine.config.clientQueryBufferLimit,
      }),
    shutdown: opts.onShutdown,
  });
}

/**
 * FUNCTION STATS's view of the function that turns busy: its name and the FCALL as sent,
 * pre-encoded as the reply's `name` and `command` fields (functionStatsCommand), its
 * start, and the engine's counts. Once per busy script, so allocation does not matter.
 */
function publishRunning(control: ControlArea, engine: Engine, isFunction: boolean): void {
  const run = runningScriptInfo();
  const counts = functionCounts(engine);
  if (!isFunction || run.argv.length === 0) {
    control.publishRunning(run.startEpochMs, counts.libraries, counts.functions, null);
    return;
  }
  let argvBytes = 0;
  for (const a of run.argv) argvBytes += a.length + 16;
  if (argvBytes > busyRunningScriptBytesMax) {
    control.publishRunning(run.startEpochMs, counts.libraries, counts.functions, null); // too large: FUNCTION STATS waits
    return;
  }
  const name = Buffer.from(run.name, 'latin1');
  const parts: Buffer[] = [Buffer.from(`$4\r\nname\r\n$${name.length}\r\n`), name, Buffer.from(`\r\n$7\r\ncommand\r\n*${run.argv.length}\r\n`)];
  for (const a of run.argv) parts.push(Buffer.from(`$${a.length}\r\n`), a, crlf);
  control.publishRunning(run.startEpochMs, counts.libraries, counts.functions, Buffer.concat(parts));
}

const crlf = Buffer.from('\r\n');

/**
 * The busy gate answered a command of this client while a script was busy (see
 * src/io-mux/busy-gate.ts), and this does to the client what the command did in Redis,
 * without a reply (the gate sent it): a rejection flags an open MULTI (rejectCommand),
 * or, for EXEC, discards it; MULTI opens one (multiCommand), DISCARD discards it,
 * UNWATCH forgets the watched keys (unwatchCommand), and a command the gate answered
 * +QUEUED joins the open MULTI (queueMultiCommand; `queued` are views into the request
 * record, copied here). The gate sends these only for a client whose MULTI state it
 * knows, in the order it answered (a busyApplied request entry, batch-format.ts).
 */
export function applyBusyChange(engine: Engine, clientId: number, change: number, queued: readonly Buffer[]): void {
  const client = engine.clients.get(clientId);
  if (client === undefined || client.closing) return;
  switch (change) {
    case BusyChange.queue: {
      const spec = engine.resolve(queued);
      if (client.multi !== null && spec !== undefined) client.multi.push({ spec, argv: queued.map((a) => Buffer.from(a)) });
      return;
    }
    case BusyChange.multi:
      if (client.multi === null) client.multi = [];
      return;
    case BusyChange.unwatch:
      engine.unwatchAll(client);
      client.dirtyCas = false;
      return;
    case BusyChange.exec:
    case BusyChange.discard:
      if (client.multi !== null) engine.discardTransaction(client);
      return;
    case BusyChange.flag:
      if (client.multi !== null) client.multiAborted = true;
      return;
    default:
      assert(false, `unknown busy change ${change}`);
  }
}

/** How often idle clients are looked for (Redis's clientsCron visits each about once a second). */
const idleCheckIntervalMs = 1_000;

/**
 * The `timeout` config (seconds; 0 = never): returns a function the worker calls with
 * its timers, which closes clients idle for longer, as Redis's clientsCronHandleTimeout
 * (never a blocked client, nor one subscribed to anything). The engine decides, since
 * only it knows who is blocked or subscribed; the close entry makes the io-mux end the
 * socket after the client's replies (behind any the journal still holds).
 */
export function idleClientCloser(engine: Engine, tracker: Tracker | undefined): (out: ReplyWriter) => void {
  let nextCheckMs = 0;
  return (out) => {
    const timeoutS = engine.config.timeout;
    if (timeoutS <= 0) return;
    const now = Date.now();
    if (now < nextCheckMs) return;
    nextCheckMs = now + idleCheckIntervalMs;
    for (const c of engine.clients.values()) {
      if (c.closing || c.blocked || engine.blocking.isBlocked(c)) continue;
      if (c.channels.size > 0 || c.patterns.size > 0 || c.shardChannels.size > 0) continue;
      if (now - c.lastInteractionMs <= timeoutS * 1000) continue;
      c.closing = true; // its requests still in flight are dropped, as Redis drops a freed client's
      const start = out.length;
      out.beginEntry(EntryKind.close, c.id);
      out.endEntry();
      tracker?.afterEntries(out, start, c.id, 0);
    }
  };
}
