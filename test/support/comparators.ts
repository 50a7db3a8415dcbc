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

/** Parses CLIENT LIST / CLIENT INFO text: one record per line, `name=value` fields. */
export function parseClientLines(text: string): Map<string, string>[] {
  return text
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => new Map(l.trim().split(' ').map((kv) => {
      const eq = kv.indexOf('=');
      return [eq < 0 ? kv : kv.slice(0, eq), eq < 0 ? '' : kv.slice(eq + 1)] as [string, string];
    })));
}

/**
 * CLIENT LIST / CLIENT INFO: ids, addresses, ports, ages and buffer sizes are the
 * servers' own, so the lines are compared by field names (in order) and by the values
 * of the fields that describe the client's state, which must agree.
 */
export function clientLines(exactFields: readonly string[]): Comparator {
  return (o, s) => {
    const both = decodeBoth(o, s);
    if (typeof both === 'string') return both;
    const [a, b] = both;
    if (a.kind !== b.kind) return `reply kinds differ (${a.kind} vs ${b.kind})`;
    let ta: string;
    let tb: string;
    try {
      ta = textOf(a);
      tb = textOf(b);
    } catch {
      return o.equals(s) ? null : 'not text replies';
    }
    if (a.kind === 'error') return ta === tb ? null : 'error texts differ';
    const la = parseClientLines(ta);
    const lb = parseClientLines(tb);
    if (la.length !== lb.length) return `client counts differ (${la.length} vs ${lb.length})`;
    for (let i = 0; i < la.length; i++) {
      const fa = [...la[i]!.keys()].join(' ');
      const fb = [...lb[i]!.keys()].join(' ');
      if (fa !== fb) return `field names differ: [${fa}] vs [${fb}]`;
      for (const f of exactFields) {
        if (la[i]!.get(f) !== lb[i]!.get(f)) return `field ${f} differs: ${la[i]!.get(f)} vs ${lb[i]!.get(f)}`;
      }
    }
    return null;
  };
}

/**
 * COMMAND INFO: every field exact, except that a container's subcommands come in the
 * order of Redis's dict (random per process), so they are compared as a set by name.
 */
export const commandInfo: Comparator = (o, s) => {
  const both = decodeBoth(o, s);
  if (typeof both === 'string') return both;
  const norm = (v: RespValue): unknown => {
    if (v.kind !== 'array' && v.kind !== 'set') return [v.kind, textOrShape(v)];
    return v.items.map((cmd) => {
      if (cmd.kind !== 'array' || cmd.items.length < 10) return normTree(cmd);
      const fields = cmd.items.slice(0, 9).map(normTree);
      const subs = cmd.items[9]!;
      const subList = subs.kind === 'array' || subs.kind === 'set' ? [subs.kind, ...subs.items.map(normTree).map((x) => JSON.stringify(x)).sort()] : [JSON.stringify(normTree(subs))];
      return [...fields, subList, ...cmd.items.slice(10).map(normTree)];
    });
  };
  return JSON.stringify(norm(both[0])) === JSON.stringify(norm(both[1])) ? null : 'COMMAND INFO differs (subcommand order ignored)';
};

function normTree(v: RespValue): unknown {
  switch (v.kind) {
    case 'array':
    case 'set':
    case 'push':
      return [v.kind, v.items.map(normTree)];
    case 'map':
    case 'attribute':
      return [v.kind, v.entries.map(([k, x]) => [normTree(k), normTree(x)])];
    case 'null':
      return ['null', v.type];
    case 'boolean':
      return ['boolean', v.value];
    case 'blobError':
      return ['blobError', v.bytes.toString('latin1')];
    default:
      return [v.kind, textOf(v)];
  }
}
