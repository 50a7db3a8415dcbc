// Test support for engine unit tests (vitest, in-process): drive a real Engine the way
// the io-mux does, one command at a time, and read the framed reply entries back.
//
//   const engine = newEngine();            // or newEngine({ clock: clock.now })
//   const c = openClient(engine);
//   expect(runCommand(engine, c, ['SET', 'k', 'v'])).toBe('+OK\r\n');
//
// runCommand returns the raw RESP bytes written for that client, as a latin1 string
// (reply entries only; see runCommandEntries for close/authenticated entries). String
// arguments are latin1 (one char per byte); pass a Buffer for arbitrary bytes.

import { Engine, type EngineOptions } from '../../../src/engine/engine.js';
import { EntryKind, ReplyWriter } from '../../../src/engine/reply.js';
import type { EffectRecord } from '../../../src/engine/effects.js';

export interface ReplyEntry {
  kind: number;
  clientId: number;
  body: Buffer;
}

/** A controllable unix-ms clock: pass `clock.now` as EngineOptions.clock. */
export class FakeClock {
  constructor(public ms = 1_700_000_000_000) {}
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** A deterministic [0,1) generator (mulberry32) for EngineOptions.random. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function newEngine(opts: Partial<EngineOptions> = {}): Engine {
  return new Engine({ port: 0, bind: '127.0.0.1', ...opts });
}

const nextIds = new WeakMap<Engine, number>();

/** Opens a client with the next free id (or `id`); returns the id. */
export function openClient(engine: Engine, id?: number): number {
  const clientId = id ?? (nextIds.get(engine) ?? 1);
  nextIds.set(engine, Math.max(nextIds.get(engine) ?? 1, clientId + 1));
  engine.openClient(clientId, `127.0.0.1:${40000 + clientId}`, '127.0.0.1:6380');
  return clientId;
}

/** Splits a reply writer's content into its framed entries. */
export function parseEntries(out: ReplyWriter): ReplyEntry[] {
  const entries: ReplyEntry[] = [];
  let at = 0;
  while (at < out.length) {
    const kind = out.buf[at]!;
    const clientId = out.buf.readUInt32LE(at + 1);
    const bytes = out.buf.readUInt32LE(at + 5);
    entries.push({ kind, clientId, body: Buffer.from(out.buf.subarray(at + 9, at + 9 + bytes)) });
    at += 9 + bytes;
  }
  return entries;
}

function toArgv(argv: ReadonlyArray<string | Buffer>): Buffer[] {
  return argv.map((a) => (typeof a === 'string' ? Buffer.from(a, 'latin1') : Buffer.from(a)));
}

/** Runs one command; returns every entry it produced (for any client). */
export function runCommandEntries(engine: Engine, clientId: number, argv: ReadonlyArray<string | Buffer>): ReplyEntry[] {
  const out = new ReplyWriter(256);
  const args = toArgv(argv);
  engine.execute(clientId, args, out);
  // The engine must not keep views of the request: scribble over it as the ring would.
  for (const a of args) a.fill(0x3f);
  return parseEntries(out);
}

/** Concatenated reply bytes of the given entries for one client, as latin1. */
export function repliesFor(entries: readonly ReplyEntry[], clientId: number): string {
  let s = '';
  for (const e of entries) if (e.kind === EntryKind.reply && e.clientId === clientId) s += e.body.toString('latin1');
  return s;
}

/** Runs one command; returns the raw RESP written to that client, as latin1. */
export function runCommand(engine: Engine, clientId: number, argv: ReadonlyArray<string | Buffer>): string {
  return repliesFor(runCommandEntries(engine, clientId, argv), clientId);
}

/** Switches a client to RESP3 (HELLO 3), returning the HELLO reply. */
export function useResp3(engine: Engine, clientId: number): string {
  return runCommand(engine, clientId, ['HELLO', '3']);
}

/** Runs the engine's timers once; returns the entries written and the wanted wait. */
export function runTick(engine: Engine): { entries: ReplyEntry[]; waitMs: number } {
  const out = new ReplyWriter(256);
  const waitMs = engine.tick(out);
  return { entries: parseEntries(out), waitMs };
}

/** RESP helpers for expected values. */
export const resp = {
  ok: '+OK\r\n',
  nil: '$-1\r\n',
  nilArray: '*-1\r\n',
  queued: '+QUEUED\r\n',
  bulk: (s: string): string => `$${Buffer.byteLength(s, 'latin1')}\r\n${s}\r\n`,
  int: (n: number): string => `:${n}\r\n`,
  err: (s: string): string => `-${s}\r\n`,
  status: (s: string): string => `+${s}\r\n`,
  array: (...items: string[]): string => `*${items.length}\r\n${items.join('')}`,
};

/**
 * A copy of an effect record that outlives the onEffects call: a top-level command's
 * argv is handed over as views into its request (Engine.onEffects), which runCommand
 * scribbles over afterwards as the request ring would.
 */
export function ownedEffectRecord(r: EffectRecord): EffectRecord {
  return { nowMs: r.nowMs, effects: r.effects.map((e) => ({ dbIndex: e.dbIndex, argv: e.argv.map((a) => Buffer.from(a)) })) };
}
