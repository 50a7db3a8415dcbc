// DUMP / RESTORE of streams (engine worker): Redis 7.0's RDB_TYPE_STREAM_LISTPACKS_2, as
// rdb.c's rdbSaveObject / rdbLoadObject write and read it, over RStream (stream.ts); the
// older RDB_TYPE_STREAM_LISTPACKS (Redis 5 to 6.2) is loaded too, as 7.0 migrates it.
//
// Layout after the type byte (19):
//   node count                      rdbSaveLen
//   per node, in id order:          master id as a 16-byte big-endian string (ms, seq),
//                                   then the node's listpack as a string (LZF when it pays)
//   length                          rdbSaveLen
//   last id, first id, max deleted  each ms then seq, rdbSaveLen (64-bit lengths above 2^32)
//   entries added                   rdbSaveLen
//   group count, then per group in name (byte) order:
//     name (string), last id ms, seq, entries read (rdbSaveLen of C's (uint64_t)-1 for
//     "invalid"), the group PEL: count, then per id: 16 raw bytes, delivery time
//     (int64 LE ms), delivery count (rdbSaveLen); the consumers: count, then per consumer
//     in name order: name (string), seen time (int64 LE ms), its PEL: count, 16-byte ids.
//
// A node's listpack (t_stream.c's streamAppendItem) holds the master entry
//   count (live), deleted, master field count, the master fields, 0
// then each entry, live or deleted, in id order
//   flags (1 deleted | 2 same fields as the master), ms - master ms, seq - master seq
//   (int64 wrap-around), [field count, field, value ...] or, with same fields, the values,
//   then the entry's element count (fields*2 + 4, or fields + 3 with same fields).
// Integers are listpack integers; strings that spell an int64 are int-encoded as lpAppend
// does, so encodeListpack (hash.ts) over decimal strings writes Redis's exact bytes.
//
// KeelDB's nodes are Redis's nodes (same cut rules at the default stream-node-max-bytes /
// -entries, tombstones kept), so a stream built by the same commands DUMPs to the same
// bytes. A loaded node keeps the payload's layout, whatever node limits made it.
//
// Loading is stricter than 7.0 without sanitize-dump-payload (which trusts what it cannot
// cheaply check and may crash later): a listpack that does not parse, entries out of
// order or overlapping nodes, an empty node, counts that disagree with the entries, a
// PEL entry no consumer owns, or a duplicate name are "Bad data format".
//
// Invariants: what we load satisfies RStream's invariants (stream.ts); saving a loaded
// stream gives back the payload's value bytes when the payload came from Redis 7.0.

import { string2ll } from '../args.js';
import { RdbFormatError, RdbType, registerRdbLoader, registerRdbSaver, type RdbReader, type RdbWriter } from '../dump.js';
import type { RObject } from '../keyspace.js';
import { decodeListpack, encodeListpack } from './hash.js';
import { Consumer, idMs, idSeq, invalidEntriesRead, makeId, Nack, RStream, StreamNode, u64Max } from './stream.js';

const flagDeleted = 1;
const flagSameFields = 2;
const idBytes = 16;

function idToBytes(id: bigint): Buffer {
  const b = Buffer.allocUnsafe(idBytes);
  b.writeBigUInt64BE(idMs(id), 0);
  b.writeBigUInt64BE(idSeq(id), 8);
  return b;
}

function idFromBytes(b: Buffer): bigint {
  return makeId(b.readBigUInt64BE(0), b.readBigUInt64BE(8));
}

/** The strings of one node's listpack, integers in decimal (encodeListpack int-encodes them). */
function nodeStrings(node: StreamNode): string[] {
  const out: string[] = [String(node.live), String(node.deleted), String(node.masterFields.length), ...node.masterFields, '0'];
  const masterMs = idMs(node.masterId);
  const masterSeq = idSeq(node.masterId);
  let li = 0;
  let ti = 0;
  let first = true;
  while (li < node.ids.length || ti < node.tombIds.length) {
    const fromTomb = li === node.ids.length || (ti < node.tombIds.length && node.tombIds[ti]! < node.ids[li]!);
    const id = fromTomb ? node.tombIds[ti]! : node.ids[li]!;
    const fv = fromTomb ? node.tombFvs[ti++]! : node.fvs[li++]!;
    // The node's first entry made the master fields: always "same fields".
    const same = first || node.sameFields(fv);
    first = false;
    const numfields = fv.length / 2;
    out.push(String((fromTomb ? flagDeleted : 0) | (same ? flagSameFields : 0)));
    out.push(String(BigInt.asIntN(64, idMs(id) - masterMs)), String(BigInt.asIntN(64, idSeq(id) - masterSeq)));
    if (same) {
      for (let i = 1; i < fv.length; i += 2) out.push(fv[i]!);
      out.push(String(numfields + 3));
    } else {
      out.push(String(numfields));
      for (const s of fv) out.push(s);
      out.push(String(numfields * 2 + 4));
    }
  }
  return out;
}

/** The listpack bytes Redis would hold for this node. */
export function nodeListpack(node: StreamNode): Buffer {
  return encodeListpack(nodeStrings(node));
}

/** Bit pattern of a signed count as C stores it in a uint64 (delivery counts, entries read). */
const asU64 = (n: number): bigint => BigInt.asUintN(64, BigInt(n));

registerRdbSaver('stream', (w: RdbWriter, value: RObject): number => {
  const s = value as RStream;
  w.len(s.nodes.length);
  for (const node of s.nodes) {
    w.blob(idToBytes(node.masterId));
    w.blob(nodeListpack(node));
  }
  w.len(s.length);
  for (const id of [s.lastId, s.firstId, s.maxDeletedId]) {
    w.len64(idMs(id));
    w.len64(idSeq(id));
  }
  w.len(s.entriesAdded);
  const groups = s.sortedGroups();
  w.len(groups.length);
  for (const g of groups) {
    w.string(g.name);
    w.len64(idMs(g.lastId));
    w.len64(idSeq(g.lastId));
    w.len64(asU64(g.entriesRead));
    w.len(g.pel.size);
    for (let i = 0; i < g.pel.keys.length; i++) {
      const nack = g.pel.values[i]!;
      w.raw(idToBytes(g.pel.keys[i]!));
      w.millisecondTime(nack.deliveryTime);
      w.len64(asU64(nack.deliveryCount));
    }
    const consumers = g.sortedConsumers();
    w.len(consumers.length);
    for (const c of consumers) {
      w.string(c.name);
      w.millisecondTime(c.seenTime);
      w.len(c.pel.size);
      for (const id of c.pel.keys) w.raw(idToBytes(id));
    }
  }
  return RdbType.streamListpacks2;
});

// --- Loading --------------------------------------------------------------------------------

function bad(why: string): never {
  throw new RdbFormatError(`stream: ${why}`);
}

/** A listpack integer element (decimal), in int64 range. */
function int(s: string | undefined): bigint {
  if (s === undefined) bad('listpack ends inside an entry');
  const v = string2ll(s);
  if (v === null) bad('listpack element is not an integer');
  return v;
}

/** A non-negative count that fits a JS array. */
function count(s: string | undefined): number {
  const v = int(s);
  if (v < 0n || v > 0xffffffffn) bad('bad count');
  return Number(v);
}

/** A uint64 read as C's long long, then as a safe JS integer. */
function signedCount(v: bigint): number {
  const n = BigInt.asIntN(64, v);
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) bad('count out of range');
  return Number(n);
}

function loadNode(masterId: bigint, lp: Buffer): StreamNode {
  const s = decodeListpack(lp);
  if (s.length === 0) bad('empty listpack inside stream');
  let p = 0;
  const live = count(s[p++]);
  const deleted = count(s[p++]);
  const nfields = count(s[p++]);
  if (p + nfields >= s.length) bad('master entry overflows the listpack');
  const fields = s.slice(p, p + nfields);
  p += nfields;
  if (int(s[p++]) !== 0n) bad('master entry terminator');
  const node = new StreamNode(masterId, fields);
  const masterMs = idMs(masterId);
  const masterSeq = idSeq(masterId);
  let prev = -1n;
  let last = masterId;
  while (p < s.length) {
    const flags = int(s[p++]);
    if (flags < 0n || flags > 3n) bad('bad entry flags');
    const ms = BigInt.asUintN(64, masterMs + int(s[p++]));
    const seq = BigInt.asUintN(64, masterSeq + int(s[p++]));
    const id = makeId(ms, seq);
    if (id <= prev || id < masterId) bad('entries out of order');
    prev = id;
    const fv: string[] = [];
    let n: number;
    if ((flags & BigInt(flagSameFields)) !== 0n) {
      n = nfields;
      if (p + n > s.length) bad('entry overflows the listpack');
      for (let i = 0; i < n; i++) fv.push(fields[i]!, s[p++]!);
      if (int(s[p++]) !== BigInt(n + 3)) bad('bad entry element count');
    } else {
      n = count(s[p++]);
      if (n === 0 || p + n * 2 > s.length) bad('entry overflows the listpack');
      for (let i = 0; i < n * 2; i++) fv.push(s[p++]!);
      if (int(s[p++]) !== BigInt(n * 2 + 4)) bad('bad entry element count');
    }
    if (n === 0) bad('entry without fields');
    node.loadEntry(id, fv, (flags & BigInt(flagDeleted)) !== 0n);
    last = id;
  }
  if (node.live !== live || node.deleted !== deleted) bad('node counts disagree with its entries');
  // Zero live entries is a node an exact trim emptied (Redis keeps it); no entry at all is not a node.
  if (node.live + node.deleted === 0) bad('node without entries');
  node.lastAnyId = last;
  node.bytes = lp.length;
  return node;
}

/**
 * rdbLoadObject for RDB_TYPE_STREAM_LISTPACKS_2 (v2) and the older RDB_TYPE_STREAM_LISTPACKS
 * (Redis 5-6.2 payloads): those lack first id, max deleted id, entries added and the
 * groups' entries read, which 7.0 derives as below.
 */
function loadStream(r: RdbReader, v2: boolean): RStream {
  const s = new RStream();
  const nodeCount = r.len();
  let live = 0;
  for (let i = 0; i < nodeCount; i++) {
    const key = r.blob();
    if (key.length !== idBytes) bad('node key is not the size of a stream id');
    const node = loadNode(idFromBytes(key), r.blob());
    const prev = s.nodes[s.nodes.length - 1];
    if (prev !== undefined && node.masterId <= prev.lastAnyId) bad('nodes out of order or overlapping');
    s.nodes.push(node);
    live += node.live;
  }
  s.length = r.len();
  if (s.length !== live) bad('length disagrees with the nodes');
  const ids: bigint[] = [];
  for (let i = 0; i < (v2 ? 3 : 1); i++) {
    const ms = r.len64();
    ids.push(makeId(ms, r.len64()));
  }
  s.lastId = ids[0]!;
  const lastNode = s.nodes[s.nodes.length - 1];
  if (lastNode !== undefined && s.lastId < lastNode.lastAnyId) bad('last id below an entry id');
  if (v2) {
    s.firstId = ids[1]!;
    s.maxDeletedId = ids[2]!;
    s.entriesAdded = signedCount(r.len64());
    if (s.entriesAdded < 0) bad('negative entries added');
  } else {
    // 7.0's migration: every entry counts as added, no tombstone is known.
    s.entriesAdded = s.length;
    s.updateFirstId();
  }
  const groupCount = r.len();
  for (let gi = 0; gi < groupCount; gi++) {
    const name = r.string();
    if (s.groups.has(name)) bad('duplicate consumer group');
    const ms = r.len64();
    const lastId = makeId(ms, r.len64());
    let entriesRead: number;
    if (v2) {
      const readRaw = r.len64();
      entriesRead = readRaw === u64Max ? invalidEntriesRead : signedCount(readRaw);
    } else {
      entriesRead = s.estimateDistance(lastId);
    }
    const g = s.createGroup(name, lastId, entriesRead);
    // The group PEL first, without owners: the consumers' PELs name them next.
    const pending = new Map<bigint, { deliveryTime: number; deliveryCount: number; owner: Consumer | null }>();
    const pelSize = r.len();
    for (let i = 0; i < pelSize; i++) {
      const id = idFromBytes(r.take(idBytes));
      const deliveryTime = r.millisecondTime();
      const deliveryCount = signedCount(r.len64());
      if (pending.has(id)) bad('duplicate group PEL entry');
      pending.set(id, { deliveryTime, deliveryCount, owner: null });
    }
    const consumerCount = r.len();
    for (let ci = 0; ci < consumerCount; ci++) {
      const cname = r.string();
      if (g.consumers.has(cname)) bad('duplicate consumer');
      const c = g.createConsumer(cname, r.millisecondTime());
      const n = r.len();
      for (let i = 0; i < n; i++) {
        const id = idFromBytes(r.take(idBytes));
        const entry = pending.get(id);
        if (entry === undefined) bad('consumer PEL entry not in the group PEL');
        if (entry.owner !== null) bad('PEL entry owned twice');
        entry.owner = c;
        const nack = new Nack(c, entry.deliveryTime, entry.deliveryCount);
        if (!c.pel.set(id, nack)) bad('duplicate consumer PEL entry');
        g.pel.set(id, nack);
      }
    }
    for (const entry of pending.values()) if (entry.owner === null) bad('group PEL entry without a consumer');
  }
  return s;
}

registerRdbLoader(RdbType.streamListpacks2, (r) => loadStream(r, true));
registerRdbLoader(RdbType.streamListpacks, (r) => loadStream(r, false));
