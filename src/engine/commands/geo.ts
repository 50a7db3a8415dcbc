// Geo commands (engine worker): Redis 7.0's geo.c over sorted sets (src/engine/types/zset.ts)
// whose scores are 52-bit geohashes (src/engine/geohash.ts).
//
// Order of checks, as geo.c: GEOADD parses NX/XX/CH, the triple count and NX+XX, every
// coordinate pair, then looks the key up (WRONGTYPE); GEODIST parses the unit first;
// the search family looks the source key up first (WRONGTYPE), then parses
// its options left to right (each option's own errors as met), then the cross-option
// errors (STORE with WITH*, FROM*, BY*, ANY without COUNT), then answers a missing key.
//
// Replies: distances as bulk strings "%.4f" in both protocols; coordinates as
// addReplyHumanLongDouble (bulk in RESP2, a RESP3 double) of "%.17Lf" without trailing zeros;
// WITHHASH as an integer. An unsorted search returns members in the order the nine
// geohash cells are walked (each cell in score order), as Redis; COUNT without ANY sorts
// ascending; COUNT ANY stops walking once it has COUNT members.
//
// Effects: everything here is deterministic given the data: logged as sent.
//
// Invariants: no mutation before every argument is validated; a STORE whose result is
// empty deletes its destination.

import { errors, eqi, latin1, string2ll } from '../args.js';
import type { CommandContext, CommandSpec } from '../command.js';
import type { CommandSpecExtras } from '../command-table.js';
import { distanceIfInside, decodeScore, encodeScore, geohashString, geoLatMax, geoLatMin, geoLongMax, geoLongMin, searchCells, distance, cellScoreRange, cellBits, type GeoShape } from '../geohash.js';
import { notify, NotifyType } from '../notify.js';
import { NIL } from '../types/skiplist.js';
import { RZSet, ScoreRange } from '../types/zset.js';
import { parseStrictDouble } from './zsets.js';
import { lookupKeyRead } from './strings.js';

type Spec = CommandSpec & CommandSpecExtras;

// --- Formatting ----------------------------------------------------------------------------

/** C's "%f" (6 decimals). */
export function formatF(d: number, decimals = 6): string {
  if (Number.isNaN(d)) return d < 0 ? '-nan' : 'nan';
  if (!Number.isFinite(d)) return d < 0 ? '-inf' : 'inf';
  if (Math.abs(d) < 1e21) return d.toFixed(decimals);
  return BigInt(d).toString() + '.' + '0'.repeat(decimals);
}

/** Redis's ld2string(LD_STR_HUMAN): "%.17Lf" with trailing zeros and dot removed. */
export function formatHuman(d: number): string {
  let s = formatF(d, 17);
  if (s.includes('.')) {
    let end = s.length;
    while (s.charCodeAt(end - 1) === 48) end--;
    if (s.charCodeAt(end - 1) === 46) end--;
    s = s.slice(0, end);
  }
  if (s === '-0') s = '0';
  return s;
}

function replyHumanDouble(ctx: CommandContext, d: number): void {
  const s = formatHuman(d);
  if (ctx.client.resp === 3) ctx.reply.raw(Buffer.from(`,${s}\r\n`, 'latin1'));
  else ctx.reply.bulkLatin1(s);
}

function replyDistance(ctx: CommandContext, d: number): void {
  ctx.reply.bulkLatin1(formatF(d, 4));
}

// --- Argument parsing ----------------------------------------------------------------------

/** extractLongLatOrReply: [lon, lat] or null after the error. */
function lonLatOrReply(ctx: CommandContext, at: number): [number, number] | null {
  const lon = parseStrictDouble(ctx.argv[at]!);
  if (lon === null) return void ctx.reply.error(errors.notFloat), null;
  const lat = parseStrictDouble(ctx.argv[at + 1]!);
  if (lat === null) return void ctx.reply.error(errors.notFloat), null;
  if (lon < geoLongMin || lon > geoLongMax || lat < geoLatMin || lat > geoLatMax) {
    ctx.reply.error(`ERR invalid longitude,latitude pair ${formatF(lon)},${formatF(lat)}`);
    return null;
  }
  return [lon, lat];
}

/** extractUnitOrReply: meters per unit, or -1 after the error. */
function unitOrReply(ctx: CommandContext, buf: Buffer): number {
  if (eqi(buf, 'm')) return 1;
  if (eqi(buf, 'km')) return 1000;
  if (eqi(buf, 'ft')) return 0.3048;
  if (eqi(buf, 'mi')) return 1609.34;
  ctx.reply.error('ERR unsupported unit provided. please use M, KM, FT, MI');
  return -1;
}

function doubleOrReply(ctx: CommandContext, buf: Buffer, msg: string): number | null {
  const v = parseStrictDouble(buf);
  if (v === null) ctx.reply.error(`ERR ${msg}`);
  return v;
}

function zsetOrReply(ctx: CommandContext, key: string, write: boolean): RZSet | undefined | null {
  const v = write ? ctx.db.lookup(key, ctx.nowMs) : lookupKeyRead(ctx, key);
  if (v === undefined) return undefined;
  if (!(v instanceof RZSet)) {
    ctx.reply.error(errors.wrongType);
    return null;
  }
  return v;
}

// --- GEOADD ----------------------------------------------------------------------------------

function geoaddCommand(ctx: CommandContext): void {
  const argv = ctx.argv;
  let nx = false;
  let xx = false;
  let ch = false;
  let at = 2;
  for (; at < argv.length; at++) {
    const a = argv[at]!;
    if (eqi(a, 'nx')) nx = true;
    else if (eqi(a, 'xx')) xx = true;
    else if (eqi(a, 'ch')) ch = true;
    else break;
  }
  const rest = argv.length - at;
  if (rest % 3 !== 0 || (xx && nx) || rest === 0) return void ctx.reply.error(errors.syntax);
  const elements = rest / 3;
  const scores: number[] = [];
  for (let i = 0; i < elements; i++) {
    const xy = lonLatOrReply(ctx, at + i * 3);
    if (xy === null) return;
    scores.push(encodeScore(xy[0], xy[1]));
  }
  const key = latin1(argv[1]!);
  let z = zsetOrReply(ctx, key, true);
  if (z === null) return;
  let added = 0;
  let updated = 0;
  if (z === undefined && xx) return void ctx.reply.int(0);
  const created = z === undefined;
  if (z === undefined) z = new RZSet(true);
  const limits = ctx.engine.config;
  for (let i = 0; i < elements; i++) {
    const member = latin1(argv[at + i * 3 + 2]!);
    const s = scores[i]!;
    const cur = z.score(member);
    if (cur !== undefined) {
      if (nx) continue;
      if (s !== cur) {
        z.update(member, s);
        updated++;
      }
    } else if (!xx) {
      z.insert(member, s, limits);
      added++;
    }
  }
  if (created) {
    if (z.size > 0) ctx.db.set(key, z);
  } else if (added + updated > 0) {
    ctx.db.touched(key);
  }
  ctx.reply.int(ch ? added + updated : added);
  if (added + updated > 0) notify(ctx, NotifyType.zset, 'zadd', key);
}

// --- GEOHASH, GEOPOS, GEODIST ------------------------------------------------------------------

function geohashCommand(ctx: CommandContext): void {
  const z = zsetOrReply(ctx, latin1(ctx.argv[1]!), false);
  if (z === null) return;
  ctx.reply.array(ctx.argv.length - 2);
  for (let j = 2; j < ctx.argv.length; j++) {
    const s = z?.score(latin1(ctx.argv[j]!));
    if (s === undefined) ctx.reply.nil();
    else ctx.reply.bulkLatin1(geohashString(s));
  }
}

function geoposCommand(ctx: CommandContext): void {
  const z = zsetOrReply(ctx, latin1(ctx.argv[1]!), false);
  if (z === null) return;
  ctx.reply.array(ctx.argv.length - 2);
  const xy = [0, 0];
  for (let j = 2; j < ctx.argv.length; j++) {
    const s = z?.score(latin1(ctx.argv[j]!));
    if (s === undefined) {
      ctx.reply.nilArray();
      continue;
    }
    decodeScore(s, xy);
    ctx.reply.array(2);
    replyHumanDouble(ctx, xy[0]!);
    replyHumanDouble(ctx, xy[1]!);
  }
}

function geodistCommand(ctx: CommandContext): void {
  let toMeter = 1;
  if (ctx.argv.length === 5) {
    toMeter = unitOrReply(ctx, ctx.argv[4]!);
    if (toMeter < 0) return;
  } else if (ctx.argv.length > 5) {
    return void ctx.reply.error(errors.syntax);
  }
  const z = zsetOrReply(ctx, latin1(ctx.argv[1]!), false);
  if (z === null) return;
  if (z === undefined) return void ctx.reply.nil();
  const s1 = z.score(latin1(ctx.argv[2]!));
  const s2 = z.score(latin1(ctx.argv[3]!));
  if (s1 === undefined || s2 === undefined) return void ctx.reply.nil();
  const a = [0, 0];
  const b = [0, 0];
  decodeScore(s1, a);
  decodeScore(s2, b);
  replyDistance(ctx, distance(a[0]!, a[1]!, b[0]!, b[1]!) / toMeter);
}

// --- The search family (georadiusGeneric) -------------------------------------------------------

const radiusCoords = 1;
const radiusMember = 2;
const radiusNoStore = 4;
const geosearch = 8;
const geosearchStore = 16;

interface GeoPoint {
  lon: number;
  lat: number;
  dist: number;
  score: number;
  member: string;
}

/** Appends the members of z inside the shape, walking the cells as membersOfAllNeighbors. */
function membersInShape(z: RZSet, shape: GeoShape, limit: number): GeoPoint[] {
  const out: GeoPoint[] = [];
  const cells = searchCells(shape);
  const xy = [0, 0];
  let last = 0;
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i]!;
    if (c.step === 0 && c.latIndex === 0 && c.lonIndex === 0) continue;
    if (last !== 0 && cellBits(c) === cellBits(cells[last]!) && c.step === cells[last]!.step) continue;
    if (out.length > 0 && limit > 0 && out.length >= limit) break;
    const [min, max] = cellScoreRange(c);
    const sl = z.sl;
    for (let id = sl.firstInRange(new ScoreRange(min, false, max, true)); id !== NIL; id = sl.next(id)) {
      const score = sl.scoreOf(id);
      if (!(score < max)) break;
      decodeScore(score, xy);
      const d = distanceIfInside(shape, xy[0]!, xy[1]!);
      if (d >= 0) out.push({ lon: xy[0]!, lat: xy[1]!, dist: d, score, member: sl.memberOf(id) });
      if (out.length > 0 && limit > 0 && out.length >= limit) break;
    }
    last = i;
  }
  return out;
}

const sortAsc = (a: GeoPoint, b: GeoPoint): number => (a.dist > b.dist ? 1 : a.dist === b.dist ? 0 : -1);
const sortDesc = (a: GeoPoint, b: GeoPoint): number => (a.dist < b.dist ? 1 : a.dist === b.dist ? 0 : -1);

function georadiusGeneric(ctx: CommandContext, srcIndex: number, flags: number): void {
  const argv = ctx.argv;
  const z = zsetOrReply(ctx, latin1(argv[srcIndex]!), false);
  if (z === null) return;
  const shape: GeoShape = { lon: 0, lat: 0, circle: true, radius: 0, width: 0, height: 0, conversion: 1 };
  let base: number;
  let storeKey: string | null = null;
  let storeDist = false;
  const distanceOrReply = (at: number): boolean => {
    const d = doubleOrReply(ctx, argv[at]!, 'need numeric radius');
    if (d === null) return false;
    if (d < 0) return void ctx.reply.error('ERR radius cannot be negative'), false;
    const u = unitOrReply(ctx, argv[at + 1]!);
    if (u < 0) return false;
    shape.radius = d;
    shape.conversion = u;
    return true;
  };
  const fromMemberOrReply = (buf: Buffer): boolean => {
    const s = z!.score(latin1(buf));
    if (s === undefined) return void ctx.reply.error('ERR could not decode requested zset member'), false;
    const xy = [0, 0];
    decodeScore(s, xy);
    shape.lon = xy[0]!;
    shape.lat = xy[1]!;
    return true;
  };
  if (flags & radiusCoords) {
    base = 6;
    const xy = lonLatOrReply(ctx, 2);
    if (xy === null) return;
    [shape.lon, shape.lat] = xy;
    if (!distanceOrReply(4)) return;
  } else if (flags & radiusMember && z === undefined) {
    base = 5;
  } else if (flags & radiusMember) {
    base = 5;
    if (!fromMemberOrReply(argv[2]!)) return;
    if (!distanceOrReply(3)) return;
  } else {
    base = 2;
    if (flags & geosearchStore) {
      base = 3;
      storeKey = latin1(argv[1]!);
    }
  }

  let withDist = false;
  let withHash = false;
  let withCoord = false;
  let fromMember = false;
  let fromLoc = false;
  let byRadius = false;
  let byBox = false;
  let sort = 0; // 0 none, 1 asc, 2 desc
  let any = false;
  let count = 0;
  const remaining = argv.length - base;
  for (let i = 0; i < remaining; i++) {
    const a = argv[base + i]!;
    if (eqi(a, 'withdist')) withDist = true;
    else if (eqi(a, 'withhash')) withHash = true;
    else if (eqi(a, 'withcoord')) withCoord = true;
    else if (eqi(a, 'any')) any = true;
    else if (eqi(a, 'asc')) sort = 1;
    else if (eqi(a, 'desc')) sort = 2;
    else if (eqi(a, 'count') && i + 1 < remaining) {
      const n = string2ll(latin1(argv[base + i + 1]!));
      if (n === null) return void ctx.reply.error(errors.notInteger);
      if (n <= 0n) return void ctx.reply.error('ERR COUNT must be > 0');
      count = n > 1000000000000n ? 1e12 : Number(n);
      i++;
    } else if ((eqi(a, 'store') || eqi(a, 'storedist')) && i + 1 < remaining && !(flags & radiusNoStore) && !(flags & geosearch)) {
      storeKey = latin1(argv[base + i + 1]!);
      storeDist = eqi(a, 'storedist');
      i++;
    } else if (eqi(a, 'storedist') && flags & geosearch && flags & geosearchStore) {
      storeDist = true;
    } else if (eqi(a, 'frommember') && i + 1 < remaining && flags & geosearch && !fromLoc) {
      if (z !== undefined && !fromMemberOrReply(argv[base + i + 1]!)) return;
      fromMember = true;
      i++;
    } else if (eqi(a, 'fromlonlat') && i + 2 < remaining && flags & geosearch && !fromMember) {
      const xy = lonLatOrReply(ctx, base + i + 1);
      if (xy === null) return;
      [shape.lon, shape.lat] = xy;
      fromLoc = true;
      i += 2;
    } else if (eqi(a, 'byradius') && i + 2 < remaining && flags & geosearch && !byBox) {
      if (!distanceOrReply(base + i + 1)) return;
      shape.circle = true;
      byRadius = true;
      i += 2;
    } else if (eqi(a, 'bybox') && i + 3 < remaining && flags & geosearch && !byRadius) {
      const w = doubleOrReply(ctx, argv[base + i + 1]!, 'need numeric width');
      if (w === null) return;
      const h = doubleOrReply(ctx, argv[base + i + 2]!, 'need numeric height');
      if (h === null) return;
      if (h < 0 || w < 0) return void ctx.reply.error('ERR height or width cannot be negative');
      const u = unitOrReply(ctx, argv[base + i + 3]!);
      if (u < 0) return;
      shape.width = w;
      shape.height = h;
      shape.conversion = u;
      shape.circle = false;
      byBox = true;
      i += 3;
    } else {
      return void ctx.reply.error(errors.syntax);
    }
  }

  const name = latin1(argv[0]!);
  if (storeKey !== null && (withDist || withHash || withCoord)) {
    return void ctx.reply.error(`ERR ${flags & geosearchStore ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS'} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`);
  }
  if (flags & geosearch && !(fromMember || fromLoc)) return void ctx.reply.error(`ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${name}`);
  if (flags & geosearch && !(byRadius || byBox)) return void ctx.reply.error(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${name}`);
  if (any && count === 0) return void ctx.reply.error('ERR the ANY argument requires COUNT argument');

  if (z === undefined) {
    if (storeKey !== null) {
      if (ctx.db.delete(storeKey)) notify(ctx, NotifyType.generic, 'del', storeKey);
      ctx.reply.int(0);
    } else {
      ctx.reply.array(0);
    }
    return;
  }
  if (count !== 0 && sort === 0 && !any) sort = 1;

  const found = membersInShape(z, shape, any ? count : 0);
  if (found.length === 0 && storeKey === null) return void ctx.reply.array(0);
  const returned = count === 0 || found.length < count ? found.length : count;
  // A full sort is glibc's qsort, a stable merge sort here (ties keep walk order); a COUNT
  // that cuts the result uses Redis's pqsort, whose tie order is its own (below).
  if (sort !== 0) {
    const cmp = sort === 1 ? sortAsc : sortDesc;
    if (returned === found.length) found.sort(cmp);
    else pqsort(found, cmp, 0, returned - 1);
  }

  if (storeKey === null) {
    const options = (withDist ? 1 : 0) + (withCoord ? 1 : 0) + (withHash ? 1 : 0);
    ctx.reply.array(returned);
    for (let i = 0; i < returned; i++) {
      const gp = found[i]!;
      if (options > 0) ctx.reply.array(options + 1);
      ctx.reply.bulkLatin1(gp.member);
      if (withDist) replyDistance(ctx, gp.dist / shape.conversion);
      if (withHash) ctx.reply.int(gp.score);
      if (withCoord) {
        ctx.reply.array(2);
        replyHumanDouble(ctx, gp.lon);
        replyHumanDouble(ctx, gp.lat);
      }
    }
    return;
  }
  if (returned > 0) {
    const result = new RZSet(false);
    let maxLen = 0;
    for (let i = 0; i < returned; i++) {
      const gp = found[i]!;
      result.sl.insert(storeDist ? gp.dist / shape.conversion : gp.score, gp.member);
      if (gp.member.length > maxLen) maxLen = gp.member.length;
    }
    result.convertToListpackIfNeeded(maxLen, ctx.engine.config);
    ctx.db.set(storeKey, result);
    notify(ctx, NotifyType.zset, flags & geosearch ? 'geosearchstore' : 'georadiusstore', storeKey);
  } else if (ctx.db.delete(storeKey)) {
    notify(ctx, NotifyType.generic, 'del', storeKey);
  }
  ctx.reply.int(returned);
}

// --- Redis's pqsort.c ---------------------------------------------------------------------------
// The Bentley-McIlroy quicksort of NetBSD's qsort that only sorts the partitions
// overlapping [lrange, rrange]. A COUNT that cuts a search result uses it, and it is not
// stable: members at equal distances come out in the order its swaps leave them, so it is
// reproduced step for step on an array of elements (Redis works on bytes; positions here
// are element indexes). After the call, a[lrange..rrange] hold what a full sort would put
// there, in order.

type Cmp<T> = (x: T, y: T) => number;

function med3<T>(a: T[], i: number, j: number, k: number, cmp: Cmp<T>): number {
  return cmp(a[i]!, a[j]!) < 0 ? (cmp(a[j]!, a[k]!) < 0 ? j : cmp(a[i]!, a[k]!) < 0 ? k : i) : cmp(a[j]!, a[k]!) > 0 ? j : cmp(a[i]!, a[k]!) < 0 ? i : k;
}

function swap<T>(a: T[], i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

function vecswap<T>(a: T[], i: number, j: number, n: number): void {
  for (let k = 0; k < n; k++) swap(a, i + k, j + k);
}

/** Sorts enough of a[] that positions lrange..rrange (inclusive) are in their sorted place. */
function pqsort<T>(a: T[], cmp: Cmp<T>, lrange: number, rrange: number): void {
  sortRange(a, 0, a.length, cmp, lrange, rrange);
}

/** True when the segment [s, s+n) cannot hold any position of [l, r] (Redis's skip test). */
function outside(s: number, n: number, l: number, r: number): boolean {
  return (l < s && r < s) || (l >= s + n && r >= s + n);
}

function sortRange<T>(a: T[], base: number, n: number, cmp: Cmp<T>, l: number, r: number): void {
  for (;;) {
    if (n < 7) {
      for (let pm = base + 1; pm < base + n; pm++) for (let pl = pm; pl > base && cmp(a[pl - 1]!, a[pl]!) > 0; pl--) swap(a, pl, pl - 1);
      return;
    }
    let pm = base + (n >> 1);
    if (n > 7) {
      let pl = base;
      let pn = base + n - 1;
      if (n > 40) {
        const d = Math.floor(n / 8);
        pl = med3(a, pl, pl + d, pl + 2 * d, cmp);
        pm = med3(a, pm - d, pm, pm + d, cmp);
        pn = med3(a, pn - 2 * d, pn - d, pn, cmp);
      }
      pm = med3(a, pl, pm, pn, cmp);
    }
    swap(a, base, pm);
    let pa = base + 1;
    let pb = pa;
    let pc = base + n - 1;
    let pd = pc;
    for (;;) {
      let c: number;
      while (pb <= pc && (c = cmp(a[pb]!, a[base]!)) <= 0) {
        if (c === 0) swap(a, pa++, pb);
        pb++;
      }
      while (pb <= pc && (c = cmp(a[pc]!, a[base]!)) >= 0) {
        if (c === 0) swap(a, pc, pd--);
        pc--;
      }
      if (pb > pc) break;
      swap(a, pb++, pc--);
    }
    const pn = base + n;
    let s = Math.min(pa - base, pb - pa);
    vecswap(a, base, pb - s, s);
    s = Math.min(pd - pc, pn - pd - 1);
    vecswap(a, pb, pn - s, s);
    if ((s = pb - pa) > 1 && !outside(base, s, l, r)) sortRange(a, base, s, cmp, l, r);
    if ((s = pd - pc) > 1) {
      base = pn - s;
      n = s;
      if (!outside(base, n, l, r)) continue;
    }
    return;
  }
}

// --- The table -------------------------------------------------------------------------------

const rk = (index: number, flags: string[]): NonNullable<Spec['keySpecs']>[number] => ({ flags, beginSearch: { type: 'index', index }, findKeys: { type: 'range', lastkey: 0, keystep: 1, limit: 0 } });

export const geoCommands: readonly Spec[] = [
  { name: 'geoadd', arity: -5, flags: ['write', 'denyoom'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write', 'geo', 'slow'], group: 'geo', since: '3.2.0', complexity: 'O(log(N)) for each item added, where N is the number of elements in the sorted set.', summary: 'Add one or more geospatial items in the geospatial index represented using a sorted set', keySpecs: [rk(1, ['RW', 'update'])], handler: geoaddCommand },
  { name: 'geodist', arity: -4, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read', 'geo', 'slow'], group: 'geo', since: '3.2.0', complexity: 'O(log(N))', summary: 'Returns the distance between two members of a geospatial index', keySpecs: [rk(1, ['RO', 'access'])], handler: geodistCommand },
  { name: 'geohash', arity: -2, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read', 'geo', 'slow'], group: 'geo', since: '3.2.0', complexity: 'O(log(N)) for each member requested, where N is the number of elements in the sorted set.', summary: 'Returns members of a geospatial index as standard geohash strings', keySpecs: [rk(1, ['RO', 'access'])], handler: geohashCommand },
  { name: 'geopos', arity: -2, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read', 'geo', 'slow'], group: 'geo', since: '3.2.0', complexity: 'O(N) where N is the number of members requested.', summary: 'Returns longitude and latitude of members of a geospatial index', keySpecs: [rk(1, ['RO', 'access'])], handler: geoposCommand },
  { name: 'georadius', arity: -6, flags: ['write', 'denyoom', 'movablekeys'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write', 'geo', 'slow'], group: 'geo', since: '3.2.0', complexity: 'O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.', summary: 'Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a point', keySpecs: storeKeySpecs(6), getKeys: (argv) => storeKeys(argv, 6), handler: (c) => georadiusGeneric(c, 1, radiusCoords) },
  { name: 'georadiusbymember', arity: -5, flags: ['write', 'denyoom', 'movablekeys'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['write', 'geo', 'slow'], group: 'geo', since: '3.2.0', complexity: 'O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.', summary: 'Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a member', keySpecs: storeKeySpecs(5), getKeys: (argv) => storeKeys(argv, 5), handler: (c) => georadiusGeneric(c, 1, radiusMember) },
  { name: 'georadius_ro', arity: -6, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read', 'geo', 'slow'], group: 'geo', since: '3.2.10', complexity: 'O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.', summary: 'A read-only variant for GEORADIUS', keySpecs: [rk(1, ['RO', 'access'])], handler: (c) => georadiusGeneric(c, 1, radiusCoords | radiusNoStore) },
  { name: 'georadiusbymember_ro', arity: -5, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read', 'geo', 'slow'], group: 'geo', since: '3.2.10', complexity: 'O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.', summary: 'A read-only variant for GEORADIUSBYMEMBER', keySpecs: [rk(1, ['RO', 'access'])], handler: (c) => georadiusGeneric(c, 1, radiusMember | radiusNoStore) },
  { name: 'geosearch', arity: -7, flags: ['readonly'], firstKey: 1, lastKey: 1, keyStep: 1, categories: ['read', 'geo', 'slow'], group: 'geo', since: '6.2.0', complexity: 'O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape', summary: 'Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle.', keySpecs: [rk(1, ['RO', 'access'])], handler: (c) => georadiusGeneric(c, 1, geosearch) },
  { name: 'geosearchstore', arity: -8, flags: ['write', 'denyoom'], firstKey: 1, lastKey: 2, keyStep: 1, categories: ['write', 'geo', 'slow'], group: 'geo', since: '6.2.0', complexity: 'O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape', summary: 'Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle, and store the result in another key.', keySpecs: [rk(1, ['OW', 'update']), rk(2, ['RO', 'access'])], handler: (c) => georadiusGeneric(c, 2, geosearch | geosearchStore) },
];

/** GEORADIUS/GEORADIUSBYMEMBER key specs as Redis 7.0's: the source, then STORE's and STOREDIST's destinations. */
function storeKeySpecs(startfrom: number): NonNullable<Spec['keySpecs']> {
  const range = { type: 'range', lastkey: 0, keystep: 1, limit: 0 } as const;
  return [
    rk(1, ['RO', 'access']),
    { flags: ['OW', 'update'], beginSearch: { type: 'keyword', keyword: 'STORE', startfrom }, findKeys: range },
    { flags: ['OW', 'update'], beginSearch: { type: 'keyword', keyword: 'STOREDIST', startfrom }, findKeys: range },
  ];
}

/** GEORADIUS* keys: the source, then the STORE/STOREDIST destination if any (after `base`). */
function storeKeys(argv: readonly Buffer[], base: number): number[] {
  const keys = [1];
  for (let i = base; i + 1 < argv.length; i++) {
    if (eqi(argv[i]!, 'store') || eqi(argv[i]!, 'storedist')) {
      keys.push(i + 1);
      i++;
    }
  }
  return keys;
}
