// How a differential step compares redis-server's reply with the subject's (test
// process). The default is byte-for-byte; everything else here is an explicit, named
// normalisation for replies that legitimately differ, each saying why at its use:
//   intNear(d)    an integer that depends on the wall clock (TTL after EXPIRE ...)
//   sortedArray   an array whose order is the hash table's (KEYS)
//   shape         same RESP types and aggregate sizes, values free (ids, times)
// A comparator returns null when the replies agree, else a short reason.

import { decodeReply, shapeOf, textOf, type RespValue } from './resp-decode.js';

export type Comparator = (oracle: Buffer, subject: Buffer) => string | null;

export const bytes: Comparator = (o, s) => (o.equals(s) ? null : 'bytes differ');

function decodeBoth(o: Buffer, s: Buffer): [RespValue, RespValue] | string {
  try {
    return [decodeReply(o), decodeReply(s)];
  } catch (err) {
    return `undecodable: ${(err as Error).message}`;
  }
}

/** Both integers, within `delta` of each other (clock ticks between the two servers). */
export function intNear(delta: number | bigint): Comparator {
  const d = BigInt(delta);
  return (o, s) => {
    const both = decodeBoth(o, s);
    if (typeof both === 'string') return both;
    const [a, b] = both;
    if (a.kind !== 'integer' || b.kind !== 'integer') return o.equals(s) ? null : 'not both integers';
    const diff = a.value > b.value ? a.value - b.value : b.value - a.value;
    return diff <= d ? null : `integers differ by ${diff} (> ${d})`;
  };
}

/** Same elements in any order (KEYS, SCAN pages: the order is the dict's). */
export const sortedArray: Comparator = (o, s) => {
  const both = decodeBoth(o, s);
  if (typeof both === 'string') return both;
  const [a, b] = both;
  if ((a.kind !== 'array' && a.kind !== 'set') || a.kind !== b.kind) return o.equals(s) ? null : 'not both arrays of one kind';
  const ka = a.items.map((v) => JSON.stringify([v.kind, textOrShape(v)])).sort();
  const kb = (b as { items: RespValue[] }).items.map((v) => JSON.stringify([v.kind, textOrShape(v)])).sort();
  return JSON.stringify(ka) === JSON.stringify(kb) ? null : 'elements differ (order ignored)';
};

function textOrShape(v: RespValue): unknown {
  try {
    return textOf(v);
  } catch {
    return shapeOf(v);
  }
}

/** Same RESP types and aggregate sizes; scalar values may differ (ids, times, sizes). */
export const shape: Comparator = (o, s) => {
  const both = decodeBoth(o, s);
  if (typeof both === 'string') return both;
  return JSON.stringify(shapeOf(both[0])) === JSON.stringify(shapeOf(both[1])) ? null : 'shapes differ';
};

/** Same shape and, if errors, the same error text up to the first space (the code). */
export const errorCode: Comparator = (o, s) => {
  const both = decodeBoth(o, s);
  if (typeof both === 'string') return both;
  const [a, b] = both;
  if (a.kind !== 'error' || b.kind !== 'error') return 'not both errors';
  return a.text.split(' ')[0] === b.text.split(' ')[0] ? null : 'error codes differ';
};

/**
 * HELLO's map: same keys in the same order and the same values, except `version` (the
 * server's own version string) and `id` (connection ids are per-server counters), whose
 * types must still match.
 */
export const hello: Comparator = (o, s) => {
  const both = decodeBoth(o, s);
  if (typeof both === 'string') return both;
  const [a, b] = both;
  const entries = (v: RespValue): [RespValue, RespValue][] | null => {
    if (v.kind === 'map') return v.entries;
    if (v.kind === 'array' && v.items.length % 2 === 0) {
      const out: [RespValue, RespValue][] = [];
      for (let i = 0; i < v.items.length; i += 2) out.push([v.items[i]!, v.items[i + 1]!]);
      return out;
    }
    return null;
  };
  const ea = entries(a);
  const eb = entries(b);
  if (ea === null || eb === null || a.kind !== b.kind) return o.equals(s) ? null : 'not both HELLO maps';
  if (ea.length !== eb.length) return 'HELLO field counts differ';
  for (let i = 0; i < ea.length; i++) {
    const [ka, va] = ea[i]!;
    const [kb, vb] = eb[i]!;
    const name = textOrShape(ka);
    if (JSON.stringify(name) !== JSON.stringify(textOrShape(kb))) return `HELLO field ${i} is '${String(name)}' vs '${String(textOrShape(kb))}'`;
    if (name === 'version' || name === 'id') {
      if (va.kind !== vb.kind) return `HELLO ${name} types differ`;
    } else if (JSON.stringify(shapeOf(va)) !== JSON.stringify(shapeOf(vb)) || JSON.stringify(textOrShape(va)) !== JSON.stringify(textOrShape(vb))) {
      return `HELLO ${String(name)} differs`;
    }
  }
  return null;
};
