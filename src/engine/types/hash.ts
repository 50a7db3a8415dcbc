// RHash: the Redis hash value (engine worker), Redis 7.0's t_hash.c data structure
// without its command handlers (src/engine/commands/hashes.ts), so it can be fuzzed alone.
//
// Two encodings, as Redis 7.0 has them and OBJECT ENCODING names them:
//   listpack   a flat array [field0, value0, field1, value1, ...] in insertion order.
//              An update keeps a field's place; a delete closes the gap. Lookups are
//              linear, as Redis's lpFind, which is cheap at these sizes. HGETALL, HSCAN
//              and HRANDFIELD's whole-hash case return this order, which is Redis's.
//   hashtable  a DenseDict (O(1) lookup, O(1) uniform random slot, and a SCAN cursor
//              with Redis's guarantee). Its order is not Redis's hash order; only the
//              differential tests know that, and compare such replies sorted.
// Conversion is one way, listpack -> hashtable, as Redis's hashTypeConvert: when a
// field or value is longer than hash-max-listpack-value bytes, or the hash has more
// than hash-max-listpack-entries fields. The thresholds are read at each mutation
// from the caller's limits (the engine's Config), so CONFIG SET acts on later writes
// only, as in Redis.
//
// Strings are latin1 JS strings (one char per byte), as the keyspace stores bytes.
// Every field is addressable by an index in [0, size): `fieldAt(i)`, `valueAt(i)`;
// that is the iteration order and what random picks use.
//
// Invariants: exactly one of `lp` and `ht` is non-null; fields are unique; a listpack
// holds at most the entries limit it was last checked against (callers delete a key
// whose hash became empty: Redis never keeps an empty hash).

import { assert } from '../../assert.js';
import { DenseDict } from '../dense-dict.js';
import { RObject } from '../keyspace.js';

/** The Config fields that decide a hash's encoding (Config satisfies this). */
export interface HashLimits {
  readonly hashMaxListpackEntries: number;
  readonly hashMaxListpackValue: number;
}

export class RHash extends RObject {
  readonly type = 'hash' as const;
  /** Listpack form: fields at even indexes, each followed by its value. */
  private lp: string[] | null = [];
  private ht: DenseDict<string> | null = null;

  encoding(): string {
    return this.lp !== null ? 'listpack' : 'hashtable';
  }

  get size(): number {
    return this.lp !== null ? this.lp.length >>> 1 : this.ht!.size;
  }

  isListpack(): boolean {
    return this.lp !== null;
  }

  clone(): RHash {
    const c = new RHash();
    if (this.lp !== null) {
      c.lp = this.lp.slice();
    } else {
      c.lp = null;
      c.ht = new DenseDict<string>();
      const keys = this.ht!.keys;
      const values = this.ht!.values;
      for (let i = 0; i < keys.length; i++) c.ht.set(keys[i]!, values[i]!);
    }
    return c;
  }

  /** Index of field's pair in the listpack (field at 2*i), or -1. */
  private lpFind(field: string): number {
    const lp = this.lp!;
    for (let i = 0; i < lp.length; i += 2) if (lp[i] === field) return i >>> 1;
    return -1;
  }

  get(field: string): string | undefined {
    if (this.lp !== null) {
      const i = this.lpFind(field);
      return i < 0 ? undefined : this.lp[2 * i + 1];
    }
    return this.ht!.get(field);
  }

  has(field: string): boolean {
    return this.lp !== null ? this.lpFind(field) >= 0 : this.ht!.has(field);
  }

  /**
   * Redis's hashTypeTryConversion: converts before a write of these strings if any is
   * longer than hash-max-listpack-value (every argument of HSET is checked first).
   */
  tryConversion(strings: readonly string[], limits: HashLimits): void {
    if (this.lp === null) return;
    for (const s of strings) {
      if (s.length > limits.hashMaxListpackValue) {
        this.convert();
        return;
      }
    }
  }

  /**
   * Redis's hashTypeSet: sets field to value; returns true if the field is new. An
   * update keeps the field's listpack position. Converts to a hashtable when the
   * strings or the field count pass the limits.
   */
  set(field: string, value: string, limits: HashLimits): boolean {
    if (this.lp !== null && (field.length > limits.hashMaxListpackValue || value.length > limits.hashMaxListpackValue)) this.convert();
    if (this.lp !== null) {
      const i = this.lpFind(field);
      if (i >= 0) {
        this.lp[2 * i + 1] = value;
        return false;
      }
      this.lp.push(field, value);
      if (this.lp.length >>> 1 > limits.hashMaxListpackEntries) this.convert();
      return true;
    }
    return this.ht!.set(field, value);
  }

  /** Deletes field; returns true if it existed. */
  delete(field: string): boolean {
    if (this.lp !== null) {
      const i = this.lpFind(field);
      if (i < 0) return false;
      this.lp.splice(2 * i, 2);
      return true;
    }
    return this.ht!.delete(field);
  }

  /** The field at iteration index i in [0, size). */
  fieldAt(i: number): string {
    assert(i >= 0 && i < this.size, 'hash index out of range');
    return this.lp !== null ? this.lp[2 * i]! : this.ht!.keys[i]!;
  }

  /** The value at iteration index i in [0, size). */
  valueAt(i: number): string {
    assert(i >= 0 && i < this.size, 'hash index out of range');
    return this.lp !== null ? this.lp[2 * i + 1]! : this.ht!.values[i]!;
  }

  /** A uniformly random index in [0, size); `random` returns [0, 1). */
  randomIndex(random: () => number): number {
    const n = this.size;
    assert(n > 0, 'random field of an empty hash');
    return Math.floor(random() * n);
  }

  /**
   * One SCAN step over a hashtable (listpacks are returned whole by the caller, with
   * cursor 0, as Redis does): visits up to `count` indexes below `cursor`.
   */
  scanTable(cursor: number, count: number, visit: (field: string, value: string) => void): number {
    assert(this.ht !== null, 'scanTable on a listpack');
    return this.ht.scan(cursor, count, visit);
  }

  /** Digest content: field/value pairs sorted by field, independent of encoding and order. */
  digestParts(): string[] {
    const pairs: [string, string][] = [];
    for (let i = 0; i < this.size; i++) pairs.push([this.fieldAt(i), this.valueAt(i)]);
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const out: string[] = [];
    for (const [f, v] of pairs) out.push(f, v);
    return out;
  }

  private convert(): void {
    const lp = this.lp!;
    const ht = new DenseDict<string>();
    for (let i = 0; i < lp.length; i += 2) ht.set(lp[i]!, lp[i + 1]!);
    this.ht = ht;
    this.lp = null;
  }
}
