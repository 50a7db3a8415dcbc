// Full *SCAN iterations for the differential tests (test process, main thread): a
// hashtable's SSCAN/HSCAN/ZSCAN walks Redis's dict in hash order, which KeelDB does not
// reproduce, so the sets, hashes and sorted-set suites compare the sorted union of a
// whole iteration instead of the pages. Invariant: every page must be a
// [cursor bulk, items] pair; anything else throws, so a garbled reply fails the test.

import type { DiffCase } from './diff-pair.js';
import type { Arg, RespConn } from './resp-conn.js';
import { decodeReply, type RespValue } from './resp-decode.js';

/** The element texts of one page's items (throws on items it cannot read). */
export type ScanElements = (items: RespValue) => string[];

/**
 * Iterates `args` ([command, key, ...options]) from cursor 0 back to 0 on one server;
 * returns the distinct elements seen, sorted (a hashtable scan may return one twice).
 */
export async function fullScan(conn: RespConn, args: readonly Arg[], elementsOf: ScanElements): Promise<string[]> {
  const out = new Set<string>();
  let cursor = '0';
  for (let guard = 0; guard < 10_000; guard++) {
    const r = decodeReply(await conn.send([args[0]!, args[1]!, cursor, ...args.slice(2)]));
    if (r.kind !== 'array' || r.items.length !== 2) throw new Error('bad scan reply');
    const [c, items] = r.items as [RespValue, RespValue];
    if (c.kind !== 'bulk') throw new Error('bad scan reply');
    for (const e of elementsOf(items)) out.add(e);
    cursor = c.bytes.toString('latin1');
    if (cursor === '0') break;
  }
  return [...out].sort();
}

/** Notes a mismatch on `c` unless a full scan finds the same elements on both servers. */
export async function compareFullScan(c: DiffCase, args: readonly Arg[], elementsOf: ScanElements, separator = ' '): Promise<void> {
  const r = c.conn('redis');
  const s = c.conn('subject');
  if (r === null || s === null) throw new Error('no connection');
  const [a, b] = await Promise.all([fullScan(r, args, elementsOf), fullScan(s, args, elementsOf)]);
  if (JSON.stringify(a) !== JSON.stringify(b)) c.note(`full ${args.join(' ')}`, a.join(separator).slice(0, 400), b.join(separator).slice(0, 400));
}
