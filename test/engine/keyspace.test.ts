import { describe, expect, it } from 'vitest';
import { Keyspace } from '../../src/engine/keyspace.js';

function makeKeyspace() {
  const modified: string[] = [];
  const expired: string[] = [];
  let seed = 1;
  const ks = new Keyspace(
    {
      modified: (db, key) => modified.push(`${db}:${key}`),
      expired: (db, key) => expired.push(`${db}:${key}`),
    },
    () => {
      seed = (seed * 16807) % 2147483647;
      return (seed - 1) / 2147483646;
    },
  );
  return { ks, modified, expired };
}

describe('Keyspace', () => {
  it('has 16 databases and rejects an index out of range', () => {
    const { ks } = makeKeyspace();
    expect(ks.dbs.length).toBe(16);
    expect(() => ks.db(16)).toThrow(/out of range/);
  });

  it('expires lazily on lookup, reporting the expiry once', () => {
    const { ks, expired } = makeKeyspace();
    const db = ks.db(0);
    db.set('k', 'v');
    db.setExpire('k', 1000);
    expect(db.lookup('k', 999)).toBe('v');
    expect(db.lookup('k', 1000)).toBeUndefined();
    expect(db.lookup('k', 2000)).toBeUndefined();
    expect(expired).toEqual(['0:k']);
    expect(db.expires.size).toBe(0);
  });

  it('lookupStoredBytes reads by bytes as lookupStored does: expiry, access stamp, in-place writes', () => {
    const { ks, expired } = makeKeyspace();
    const db = ks.db(0);
    const key = (s: string): Buffer => Buffer.from(s, 'latin1');
    ks.clockMs = 10;
    db.setBytes('a\xff', key('v1'));
    db.set('b', 'v2');
    db.setExpire('b', 1000);
    const h = db.lookupStoredBytes(key('a\xff'), 500);
    expect(typeof h).toBe('number');
    expect(ks.slab.latin1(h as number)).toBe('v1');
    expect(db.lastAccessMs('a\xff')).toBe(500);
    expect(db.lookupStoredBytes(key('b'), 999)).toBe('v2');
    expect(db.lookupStoredBytes(key('missing'), 999)).toBeUndefined();
    expect(expired).toEqual([]);
    // Expired: deleted on the way and reported once, as by the string path.
    expect(db.lookupStoredBytes(key('b'), 1000)).toBeUndefined();
    expect(expired).toEqual(['0:b']);
    expect(db.size).toBe(1);
    // A pending in-place write is settled first.
    db.set('c', 'xyz');
    db.stringBuffer('c').buf[0] = 0x41;
    db.stringBufferWritten('c');
    expect(db.lookupStoredBytes(key('c'), 1001)).toBe('Ayz');
  });

  it('set drops the TTL unless keepTtl; every mutation is signalled and counted', () => {
    const { ks, modified } = makeKeyspace();
    const db = ks.db(3);
    db.set('a', '1');
    db.setExpire('a', 5000);
    db.set('a', '2', true);
    expect(db.getExpire('a')).toBe(5000);
    db.set('a', '3');
    expect(db.getExpire('a')).toBe(-1);
    expect(db.delete('a')).toBe(true);
    expect(db.delete('a')).toBe(false);
    expect(modified).toEqual(['3:a', '3:a', '3:a', '3:a', '3:a']);
    expect(ks.dirty).toBe(5);
  });

  it('active expiry deletes expired keys and keeps live ones', () => {
    const { ks, expired } = makeKeyspace();
    const db = ks.db(0);
    for (let i = 0; i < 500; i++) {
      db.set(`k${i}`, 'v');
      db.setExpire(`k${i}`, i < 400 ? 10 : 1_000_000);
    }
    let deleted = 0;
    for (let round = 0; round < 200 && db.size > 100; round++) {
      deleted += ks.activeExpireCycle(100, Infinity, () => 0);
    }
    expect(deleted).toBe(400);
    expect(expired.length).toBe(400);
    expect(db.size).toBe(100);
    expect(db.lookup('k450', 100)).toBe('v');
  });

  it('swaps databases', () => {
    const { ks } = makeKeyspace();
    ks.db(0).set('x', '0');
    ks.db(1).set('y', '1');
    ks.db(1).setExpire('y', 99);
    ks.swap(0, 1);
    expect(ks.db(0).dict.get('y')).toBe('1');
    expect(ks.db(0).getExpire('y')).toBe(99);
    expect(ks.db(1).dict.get('x')).toBe('0');
    expect(ks.db(1).dict.has('y')).toBe(false);
  });
});
