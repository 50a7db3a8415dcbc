// RESTORE's choice of encoding (engine worker): rdb.c's rdbLoadObject decides a loaded
// value's encoding by the server's current hash-max-listpack-*, set-max-intset-entries
// and zset-max-listpack-* settings. The type modules' RDB loaders (registered with
// dump.ts, which has no access to the Config) decide by Redis 7.0's defaults; this module
// redoes the decision with the CONFIG values, by the rule of the payload's RDB type:
//
//   RDB_TYPE_HASH (4)            listpack unless count > entries or a field or value is
//                                longer than hash-max-listpack-value
//   RDB_TYPE_HASH_LISTPACK (16)  listpack unless count > entries (lengths not checked)
//   RDB_TYPE_SET (2)             intset unless count > set-max-intset-entries or a member
//                                is not a canonical integer
//   RDB_TYPE_SET_INTSET (11)     intset unless count > set-max-intset-entries; the
//                                payload's integer width is kept
//   RDB_TYPE_ZSET_2 (5)          listpack if count <= entries and every member is at most
//                                zset-max-listpack-value long
//   RDB_TYPE_ZSET_LISTPACK (17)  listpack unless count > entries (lengths not checked)
//
// Lists are quicklists whatever the settings in 7.0 (OBJECT ENCODING 'quicklist'); their
// node layout is not modelled per value (types/list.ts), so there is nothing to redo.
//
// Invariants: the returned value holds exactly the loaded elements, in the loaded order
// where the encoding has one.

import { string2ll } from './args.js';
import type { Config } from './config.js';
import { RdbReader, RdbType } from './dump.js';
import type { RValue } from './keyspace.js';
import { RHash } from './types/hash.js';
import { RSet } from './types/set.js';
import { RZSet } from './types/zset.js';
import { NIL } from './types/skiplist.js';

type Limits = Pick<Config, 'hashMaxListpackEntries' | 'hashMaxListpackValue' | 'setMaxIntsetEntries' | 'zsetMaxListpackEntries' | 'zsetMaxListpackValue'>;

/** The loaded value in the encoding Redis would give it under `limits`. */
export function encodingForConfig(value: RValue, payload: Buffer, limits: Limits): RValue {
  if (typeof value === 'string') return value;
  const rdbType = payload[0];
  if (value instanceof RHash) return hashFor(value, rdbType === RdbType.hash, limits);
  if (value instanceof RSet) return setFor(value, rdbType, payload, limits);
  if (value instanceof RZSet) return zsetFor(value, rdbType === RdbType.zset2, limits);
  return value;
}

function hashFor(h: RHash, checkLengths: boolean, limits: Limits): RHash {
  let listpack = h.size <= limits.hashMaxListpackEntries;
  if (listpack && checkLengths) {
    for (let i = 0; i < h.size && listpack; i++) {
      if (h.fieldAt(i).length > limits.hashMaxListpackValue || h.valueAt(i).length > limits.hashMaxListpackValue) listpack = false;
    }
  }
  const isListpack = h.encoding() === 'listpack';
  if (listpack === isListpack) return h;
  if (!listpack) {
    h.toHashtable();
    return h;
  }
  const strings: string[] = [];
  for (let i = 0; i < h.size; i++) strings.push(h.fieldAt(i), h.valueAt(i));
  return RHash.fromListpack(strings);
}

function setFor(s: RSet, rdbType: number | undefined, payload: Buffer, limits: Limits): RSet {
  let intset = s.size <= limits.setMaxIntsetEntries;
  if (intset && rdbType === RdbType.set) {
    for (let i = 0; i < s.size && intset; i++) if (string2ll(s.memberAt(i)) === null) intset = false;
  }
  const isIntset = s.encoding() === 'intset';
  if (intset === isIntset) return s;
  if (!intset) {
    s.toHashtable();
    return s;
  }
  if (rdbType === RdbType.setIntset) {
    // The payload's own intset (its width included), as Redis keeps it.
    const r = new RdbReader(payload);
    r.byte();
    return RSet.fromIntsetBytes(r.blob());
  }
  // RDB_TYPE_SET: Redis adds each member to an intset (widths grow as needed).
  const out = new RSet();
  const noLimit = { setMaxIntsetEntries: Number.MAX_SAFE_INTEGER };
  for (let i = 0; i < s.size; i++) out.add(s.memberAt(i), noLimit);
  return out;
}

function zsetFor(z: RZSet, checkLengths: boolean, limits: Limits): RZSet {
  let maxLen = 0;
  if (checkLengths) for (let id = z.sl.first(); id !== NIL; id = z.sl.next(id)) maxLen = Math.max(maxLen, z.sl.memberOf(id).length);
  const listpack = z.size <= limits.zsetMaxListpackEntries && maxLen <= limits.zsetMaxListpackValue;
  if (listpack === z.listpack) return z;
  if (listpack) {
    z.convertToListpackIfNeeded(maxLen, limits);
    return z;
  }
  const out = new RZSet(false);
  for (let id = z.sl.first(); id !== NIL; id = z.sl.next(id)) out.sl.insert(z.sl.scoreOf(id), z.sl.memberOf(id));
  return out;
}
