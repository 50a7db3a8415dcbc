// Helpers of the busy-script differential tests (test process): start a command on both
// servers without waiting for its reply, compare it later, wait until both servers are
// busy. Shared by busy-scripts.test.ts and busy-scripts-queued.test.ts.

import type { Comparator } from '../support/comparators.js';
import type { DiffCase, Outcome } from '../support/diff-pair.js';
import { showBytes } from '../support/resp-decode.js';
import { RespConn, type Arg } from '../support/resp-conn.js';

/** Past busy-reply-threshold (100 ms) on both servers. */
export const pastThresholdMs = 300;
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until both servers answer a fresh connection's PING with -BUSY: on a loaded
 * machine the engine's count hook may notice the threshold late. A probe that gets no
 * answer in time is dropped and another is tried.
 */
export async function waitBusy(c: DiffCase, afterMs = pastThresholdMs): Promise<void> {
  await sleep(afterMs);
  for (const port of [c.pair.oracle.port, c.pair.subject.port]) {
    for (let attempt = 0; ; attempt++) {
      const probe = await RespConn.connect(port);
      try {
        const pass = c.pair.options.requirepass;
        if (pass !== undefined) await probe.send(['AUTH', pass], 1_000).catch(() => Buffer.alloc(0));
        const reply = await probe.send(['PING'], 1_000).catch(() => Buffer.alloc(0));
        if (reply.toString('latin1').startsWith('-BUSY')) break;
      } finally {
        probe.close();
      }
      if (attempt >= 20) throw new Error(`server on port ${port} never became busy`);
    }
  }
}

/** Sends `args` on connection `conn` of both servers without waiting for the replies. */
export function start(c: DiffCase, conn: number, args: readonly Arg[]): Promise<Outcome[]> {
  return Promise.all(
    (['redis', 'subject'] as const).map(async (side): Promise<Outcome> => {
      const rc = c.conn(side, conn);
      if (rc === null) return '<no-connection>';
      try {
        return await rc.send(args, 15_000);
      } catch {
        return '<closed>';
      }
    }),
  );
}

/** Compares the replies of a command started with start(). */
export async function finish(c: DiffCase, what: string, pending: Promise<Outcome[]>): Promise<void> {
  const [r, s] = await pending;
  const show = (o: Outcome | undefined): string => (o === undefined ? '<none>' : typeof o === 'string' ? o : showBytes(o));
  const same = Buffer.isBuffer(r) && Buffer.isBuffer(s) ? r.equals(s) : r === s;
  if (!same) c.note(what, show(r), show(s));
}

/**
 * FUNCTION STATS while a function is busy: byte for byte, except duration_ms, which
 * depends on when each server was asked; both must be past the threshold (100 ms).
 */
const durationPattern = /\$11\r\nduration_ms\r\n:(\d+)\r\n/;
export const statsWithDuration: Comparator = (o, s) => {
  const mo = durationPattern.exec(o.toString('latin1'));
  const ms = durationPattern.exec(s.toString('latin1'));
  if (mo === null || ms === null) return o.equals(s) ? null : 'bytes differ (no duration_ms in both)';
  if (Number(mo[1]) < 100) return `redis's duration_ms ${mo[1]} below the threshold`;
  if (Number(ms[1]) < 100) return `subject's duration_ms ${ms[1]} below the threshold`;
  const strip = (b: Buffer): string => b.toString('latin1').replace(durationPattern, () => 'duration_ms:<ms>');
  return strip(o) === strip(s) ? null : 'bytes differ (duration_ms aside)';
};
