// Differential tests for SORT and SORT_RO (issue 6) on lists, sets (intset and
// hashtable) and sorted sets (listpack and skiplist): numeric and ALPHA, ASC/DESC,
// LIMIT, BY patterns (keys, hash fields, nosort), GET patterns (#, keys, hash fields),
// STORE, and every error, compared byte for byte with redis-server 7.0.15 in RESP2 and
// RESP3. A hashtable set's own order is Redis's hash order, which KeelDB does not
// reproduce: BY nosort on such a set without STORE is compared sorted, and only there.

import fc from 'fast-check';
import { describe, it } from 'vitest';
import { commandInfo, sortedArray } from '../support/comparators.js';
import { diffCase, diffSeq, runCase, usePair, watchKeyspaceEvents, type Step } from '../support/diff-pair.js';
import type { Arg } from '../support/resp-conn.js';
import { describeWithOracle } from '../support/oracle-guard.js';

describeWithOracle('diff: sort', () => {
  const pair = usePair();
  for (const proto of [2, 3] as const) {
    describe(`RESP${proto}`, () => {
      const seq = (name: string, steps: readonly Step[]): void => diffSeq(pair, name, steps, { proto });

      seq('lists: numeric, alpha, desc, limit', [
        ['SORT', 'nokey'],
        ['SORT', 'nokey', 'STORE', 'd'],
        ['EXISTS', 'd'],
        ['RPUSH', 'l', '3', '1', '2', '10', '-5', '1.5', '1e1', '0x10', ' 7', 'inf', '-inf'],
        ['SORT', 'l'],
        ['SORT', 'l', 'DESC'],
        ['SORT', 'l', 'ALPHA'],
        ['SORT', 'l', 'ALPHA', 'DESC'],
        ['SORT', 'l', 'LIMIT', '0', '3'],
        ['SORT', 'l', 'LIMIT', '2', '3', 'DESC'],
        ['SORT', 'l', 'LIMIT', '-5', '3'],
        ['SORT', 'l', 'LIMIT', '5', '-1'],
        ['SORT', 'l', 'LIMIT', '100', '3'],
        ['SORT', 'l', 'LIMIT', '3', '0'],
        ['SORT', 'l', 'limit', '10', '100'],
        ['SORT_RO', 'l'],
        ['SORT_RO', 'l', 'DESC', 'LIMIT', '1', '2'],
        ['RPUSH', 'bad', '1', 'x', '2'],
        ['SORT', 'bad'],
        ['SORT', 'bad', 'ALPHA'],
        ['RPUSH', 'bad2', '1e400'],
        ['SORT', 'bad2'],
        // sort.c tests errno without clearing it first, so an ERANGE stays set in the
        // redis-server process and fails every later numeric SORT until something else
        // clears errno (INCRBYFLOAT's string2ld does). KeelDB has no such memory.
        ['INCRBYFLOAT', 'errno-reset', '1'],
        ['RPUSH', 'bad3', 'nan'],
        ['SORT', 'bad3'],
        ['RPUSH', 'bad4', '1 '],
        ['SORT', 'bad4'],
        ['RPUSH', 'bad5', '1e-400'],
        ['SORT', 'bad5'],
        ['INCRBYFLOAT', 'errno-reset', '1'],
        ['RPUSH', 'bad6', '   '],
        ['SORT', 'bad6'],
        ['RPUSH', 'ok5', '', '2', '1'],
        ['SORT', 'ok5'],
        ['RPUSH', 'ties', '1.0', '1', '01', '1e0', 'b', 'a'],
        ['SORT', 'ties', 'ALPHA'],
        ['RPUSH', 'ties2', '1.0', '1', '01', '1e0'],
        ['SORT', 'ties2'],
        ['SORT', 'ties2', 'DESC'],
      ]);
      seq('BY and GET patterns', [
        ['RPUSH', 'l', '1', '2', '3', '4'],
        ['SET', 'w_1', '40'],
        ['SET', 'w_2', '30'],
        ['SET', 'w_3', '20'],
        ['SET', 'o_1', 'one'],
        ['SET', 'o_3', 'three'],
        ['HSET', 'h_1', 'f', '9', 'name', 'uno'],
        ['HSET', 'h_2', 'f', '8'],
        ['HSET', 'h_4', 'f', '7', 'name', 'cuatro'],
        ['SORT', 'l', 'BY', 'w_*'],
        ['SORT', 'l', 'BY', 'w_*', 'DESC'],
        ['SORT', 'l', 'BY', 'w_*', 'GET', 'o_*'],
        ['SORT', 'l', 'BY', 'w_*', 'GET', '#', 'GET', 'o_*', 'GET', 'h_*->name'],
        ['SORT', 'l', 'BY', 'h_*->f'],
        ['SORT', 'l', 'BY', 'h_*->f', 'GET', 'h_*->f'],
        ['SORT', 'l', 'BY', 'h_*->nofield'],
        ['SORT', 'l', 'BY', 'o_*', 'ALPHA'],
        ['SORT', 'l', 'BY', 'o_*', 'ALPHA', 'DESC'],
        ['SORT', 'l', 'BY', 'o_*'],
        ['SORT', 'l', 'BY', 'nosort'],
        ['SORT', 'l', 'BY', 'nosort', 'DESC'],
        ['SORT', 'l', 'BY', 'nosort', 'LIMIT', '1', '2'],
        ['SORT', 'l', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '2'],
        ['SORT', 'l', 'BY', 'nosort', 'GET', 'o_*', 'GET', '#'],
        ['SORT', 'l', 'GET', 'nostar'],
        ['SORT', 'l', 'GET', 'h_*->'],
        ['SORT', 'l', 'GET', '*'],
        ['SORT', 'l', 'GET', 'l'],
        ['SET', '1', 'k1'],
        ['SORT', 'l', 'GET', '*'],
        ['SORT', 'l', 'GET', 'w_*', 'LIMIT', '1', '2', 'DESC'],
        ['SORT', 'l', 'BY', 'w_*->f'],
        ['SORT', 'l', 'GET', 'o_*->x'],
        ['SORT', 'l', 'BY', 'w_*', 'LIMIT', '0', '2'],
        ['SORT', 'l', 'BY', '*_w'],
        ['SORT', 'l', 'BY', 'w_*', 'GET', 'o_*', 'STORE', 'dst'],
        ['LRANGE', 'dst', '0', '-1'],
        ['TYPE', 'dst'],
        ['OBJECT', 'ENCODING', 'dst'],
        ['SORT', 'l', 'GET', 'h_*->f', 'GET', 'o_*', 'STORE', 'dst'],
        ['LRANGE', 'dst', '0', '-1'],
        ['SORT', 'l', 'LIMIT', '10', '1', 'STORE', 'dst'],
        ['EXISTS', 'dst'],
        ['SORT_RO', 'l', 'BY', 'w_*', 'GET', '#', 'GET', 'o_*'],
      ]);
      seq('sets and sorted sets', [
        ['SADD', 'is', '5', '3', '100', '-2'],
        ['SORT', 'is'],
        ['SORT', 'is', 'DESC', 'LIMIT', '1', '2'],
        ['SORT', 'is', 'BY', 'nosort'],
        ['SORT', 'is', 'ALPHA'],
        ['SADD', 'hs', 'banana', 'apple', 'cherry', 'date'],
        ['SORT', 'hs', 'ALPHA'],
        ['SORT', 'hs', 'ALPHA', 'DESC', 'LIMIT', '0', '2'],
        ['SORT', 'hs'],
        { args: ['SORT', 'hs', 'BY', 'nosort'], cmp: sortedArray },
        ['SORT', 'hs', 'BY', 'nosort', 'STORE', 'd'],
        ['LRANGE', 'd', '0', '-1'],
        ['SORT', 'hs', 'BY', 'nosort', 'DESC', 'STORE', 'd'],
        ['LRANGE', 'd', '0', '-1'],
        ['ZADD', 'z', '3', 'c', '1', 'a', '2', 'b', '2', 'bb', '0', '10'],
        ['OBJECT', 'ENCODING', 'z'],
        ['SORT', 'z', 'ALPHA'],
        ['OBJECT', 'ENCODING', 'z'],
        ['SORT', 'z', 'BY', 'nosort'],
        ['SORT', 'z', 'BY', 'nosort', 'DESC'],
        ['SORT', 'z', 'BY', 'nosort', 'LIMIT', '1', '3'],
        ['SORT', 'z', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '3'],
        ['SORT', 'z', 'BY', 'nosort', 'DESC', 'LIMIT', '0', '2'],
        ['SORT', 'z', 'BY', 'nosort', 'LIMIT', '5', '3'],
        ['SORT', 'z', 'BY', 'nosort', 'STORE', 'zd'],
        ['LRANGE', 'zd', '0', '-1'],
        ['SORT', 'z'],
        ['ZADD', 'zn', '1', '30', '2', '20', '3', '10'],
        ['SORT', 'zn'],
        ['SORT', 'zn', 'DESC'],
        ['SORT_RO', 'zn', 'BY', 'nosort'],
      ]);
      diffCase(
        pair,
        'keyspace notifications of SORT STORE',
        async (c) => {
          await c.connect();
          const events = await watchKeyspaceEvents(c);
          await events(['RPUSH', 'l', '2', '1'], 2);
          await events(['SORT', 'l'], 0);
          await events(['SORT', 'l', 'STORE', 'd'], 2);
          await events(['SORT', 'l', 'STORE', 'd'], 2);
          await events(['SORT', 'nokey', 'STORE', 'd'], 2);
          await events(['SORT', 'nokey', 'STORE', 'd'], 0);
          await c.cmd(['CONFIG', 'SET', 'notify-keyspace-events', ''], { conn: 0 });
          await c.cmd(['PING'], { conn: 0 });
        },
        { proto },
      );
      seq('COMMAND INFO and GETKEYS', [
        { args: ['COMMAND', 'INFO', 'sort'], cmp: commandInfo },
        { args: ['COMMAND', 'INFO', 'sort_ro'], cmp: commandInfo },
        ['COMMAND', 'GETKEYS', 'SORT', 'k', 'BY', 'w_*', 'LIMIT', '0', '1', 'STORE', 'd', 'GET', '#'],
        ['COMMAND', 'GETKEYS', 'SORT', 'k'],
        ['COMMAND', 'GETKEYS', 'SORT_RO', 'k', 'GET', 'x'],
      ]);
      seq('errors', [
        ['SET', 's', 'x'],
        ['SORT', 's'],
        ['HSET', 'h', 'a', 'b'],
        ['SORT', 'h'],
        ['SORT', 'h', 'BAD'],
        ['RPUSH', 'l', '1'],
        ['SORT', 'l', 'LIMIT', '1'],
        ['SORT', 'l', 'LIMIT', 'x', '1'],
        ['SORT', 'l', 'LIMIT', '1', 'x'],
        ['SORT', 'l', 'BY'],
        ['SORT', 'l', 'GET'],
        ['SORT', 'l', 'STORE'],
        ['SORT', 'l', 'FOO'],
        ['SORT_RO', 'l', 'STORE', 'd'],
        ['SORT', 's', 'LIMIT', 'x', '1'],
        ['SORT', 's', 'STORE', 'd'],
        ['SORT', 'l', 'STORE', 's'],
        ['TYPE', 's'],
        ['SORT'],
        ['SORT_RO'],
        ['SET', 'dd', 'x'],
        ['EXPIREAT', 'dd', '4102444800'],
        ['SORT', 'l', 'STORE', 'dd'],
        ['TTL', 'dd'],
      ]);
    });
  }

  // Random SORTs over lists, intsets and sorted sets with weights and names behind
  // patterns. Left out, because Redis's answer there is not a function of the data:
  // values that overflow strtod (errno stays set in redis-server, see above), hashtable
  // sets (hash order), ALPHA BY over a sorted set (loaded in hash order, so ties follow
  // it) and ALPHA BY with LIMIT (Redis's pqsort is not stable on ties).
  it('fast-check: random SORT sequences agree', async () => {
    const elem = fc.constantFrom('1', '2', '3', '10', '-1', '2.5', 'a', 'b', '07', '');
    const num = fc.constantFrom('1', '2', '3', '10', '-1', '2.5', '0x1A', ' 4');
    const src = fc.constantFrom('l1', 'l2', 'is', 'z');
    const setup: fc.Arbitrary<Arg[]> = fc.oneof(
      fc.tuple(fc.constantFrom('l1', 'l2'), fc.array(elem, { minLength: 1, maxLength: 5 })).map(([k, es]) => ['RPUSH', k, ...es]),
      fc.array(num.filter((n) => /^-?\d+$/.test(n)), { minLength: 1, maxLength: 4 }).map((es) => ['SADD', 'is', ...es]),
      fc.tuple(fc.integer({ min: -3, max: 3 }), elem).map(([sc, m]) => ['ZADD', 'z', String(sc), m]),
      fc.tuple(elem, fc.oneof(num, fc.constantFrom('x', 'y'))).map(([e, w]) => ['SET', `w_${e}`, w]),
      fc.tuple(elem, fc.oneof(num, fc.constantFrom('x', 'y'))).map(([e, w]) => ['HSET', `h_${e}`, 'f', w]),
    );
    const sort: fc.Arbitrary<Arg[]> = fc
      .record({
        k: src,
        by: fc.constantFrom(null, 'w_*', 'h_*->f', 'nosort'),
        alpha: fc.boolean(),
        desc: fc.boolean(),
        limit: fc.option(fc.tuple(fc.integer({ min: -2, max: 6 }), fc.integer({ min: -2, max: 6 }))),
        gets: fc.array(fc.constantFrom('#', 'w_*', 'h_*->f'), { maxLength: 2 }),
        store: fc.boolean(),
      })
      .map((o) => {
        const args: string[] = ['SORT', o.k];
        if (o.by !== null) args.push('BY', o.by);
        // A sorted set loads in dict (hash) order: ALPHA BY ties would come out in it.
        if (o.alpha && !(o.k === 'z' && o.by !== null && o.by !== 'nosort')) args.push('ALPHA');
        if (o.desc) args.push('DESC');
        if (o.limit !== null && !(o.alpha && o.by !== null && o.by !== 'nosort')) args.push('LIMIT', String(o.limit[0]), String(o.limit[1]));
        for (const g of o.gets) args.push('GET', g);
        if (o.store) args.push('STORE', 'dst');
        return args;
      });
    await fc.assert(
      fc.asyncProperty(fc.array(setup, { maxLength: 12 }), fc.array(sort, { minLength: 1, maxLength: 8 }), (setups, sorts) =>
        runCase(pair(), 'fast-check sort', async (c) => {
          for (const a of setups) await c.cmd(a);
          for (const a of sorts) {
            await c.cmd(a);
            await c.cmd(['LRANGE', 'dst', '0', '-1']);
          }
        }),
      ),
      { numRuns: Number(process.env.KEELDB_FC_RUNS ?? 60), interruptAfterTimeLimit: 15_000 },
    );
  }, 40_000);
});
