// keyspaceDigest (engine worker, tests, replicas): one hex string that summarizes every
// database, key, type, value and absolute TTL, in the spirit of Redis's DEBUG DIGEST.
// Two keyspaces with the same content give the same digest whatever order their keys
// were inserted in: each key's SHA-1 is XORed into the total (order-independent), and
// keys are unique within a database so nothing cancels out.
//
// Used to prove the write path: a primary's effects applied to an empty engine must
// give the primary's digest (test/engine/effects.test.ts).
//
// Values: strings are hashed as their bytes. Other types (RObject subclasses) are
// hashed through `digestParts()` when the type provides it (ordered parts for
// ordered types; for unordered ones the type sorts them), otherwise through a
// structural walk of the object's own fields in which Maps and Sets are sorted, so
// their insertion order does not matter.
//
// Invariants: pure; the empty keyspace's digest is forty zeros (as Redis's).

import { createHash } from 'node:crypto';
import type { Keyspace, RValue } from './keyspace.js';
import { typeOf } from './keyspace.js';

/** Optional method a value type may implement to define its digest content. */
export interface Digestible {
  digestParts(): Iterable<string>;
}

export function keyspaceDigest(keyspace: Keyspace): string {
  const total = Buffer.alloc(20);
  for (const db of keyspace.dbs) {
    const keys = db.dict.keys;
    const values = db.dict.values;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const h = createHash('sha1');
      h.update(`${db.index}\0`);
      h.update(Buffer.from(key, 'latin1'));
      h.update(`\0${typeOf(values[i]!)}\0${db.getExpire(key)}\0`);
      // A slab handle hashes as its bytes: the digest is of contents, not of how they are stored.
      hashValue(h, db.valueOf(values[i]!));
      const d = h.digest();
      for (let j = 0; j < 20; j++) total[j]! ^= d[j]!;
    }
  }
  return total.toString('hex');
}

interface Hasher {
  update(data: string | Buffer): unknown;
}

function hashValue(h: Hasher, v: RValue): void {
  if (typeof v === 'string') {
    h.update(Buffer.from(v, 'latin1'));
    return;
  }
  const d = v as unknown as Partial<Digestible>;
  if (typeof d.digestParts === 'function') {
    for (const part of d.digestParts()) {
      h.update(`${part.length}:`);
      h.update(Buffer.from(part, 'latin1'));
    }
    return;
  }
  h.update(structural(v, 0));
}

/** A canonical text of a value's fields: Maps and Sets sorted, arrays in order. */
function structural(v: unknown, depth: number): string {
  if (depth > 32) return '<deep>';
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'string') return `s${v.length}:${v}`;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return `${typeof v}:${String(v)}`;
  if (typeof v === 'function') return '';
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return `b:${Buffer.from(v).toString('hex')}`;
  if (Array.isArray(v)) return `[${v.map((x) => structural(x, depth + 1)).join(',')}]`;
  if (v instanceof Map) {
    const entries = [...v.entries()].map(([k, x]) => `${structural(k, depth + 1)}=>${structural(x, depth + 1)}`).sort();
    return `M{${entries.join(',')}}`;
  }
  if (v instanceof Set) {
    const items = [...v].map((x) => structural(x, depth + 1)).sort();
    return `S{${items.join(',')}}`;
  }
  const obj = v as Record<string, unknown>;
  const fields = Object.keys(obj)
    .sort()
    .map((k) => `${k}:${structural(obj[k], depth + 1)}`);
  return `O{${fields.join(',')}}`;
}
