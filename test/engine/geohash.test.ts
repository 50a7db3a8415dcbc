// Unit tests of src/engine/geohash.ts (Redis's geohash.c/geohash_helper.c arithmetic) and the
// geo commands through a real Engine (src/engine/commands/geo.ts): known scores and strings
// from Redis's documentation, encode/decode properties against a simple model, the search
// cells' cover, and the effects the write commands record.

import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { EffectRecord } from '../../src/engine/effects.js';
import { cellScoreRange, decodeScore, distance, distanceIfInside, encodeScore, estimateSteps, geohashString, geoLatMax, geoLatMin, searchCells, type GeoShape } from '../../src/engine/geohash.js';
import { newEngine, openClient, runCommand } from './support/run.js';

describe('geohash arithmetic', () => {
  test('GEOADD scores and GEOHASH strings of Redis documentation examples', () => {
    // ZSCORE Sicily Palermo/Catania after the GEOADD example of the Redis docs.
    expect(encodeScore(13.361389, 38.115556)).toBe(3479099956230698);
    expect(encodeScore(15.087269, 37.502669)).toBe(3479447370796909);
    expect(geohashString(3479099956230698)).toBe('sqc8b49rny0');
    expect(geohashString(3479447370796909)).toBe('sqdtr74hyu0');
  });

  test('scores are 52-bit integers and decode to within half a cell of the point', () => {
    fc.assert(
      // The upper edges (longitude 180, the top latitude) carry into a 27th bit, as in Redis: excluded here.
      fc.property(fc.double({ min: -180, max: 179.999999, noNaN: true }), fc.double({ min: geoLatMin, max: 85.05, noNaN: true }), (lon, lat) => {
        const s = encodeScore(lon, lat);
        expect(Number.isInteger(s)).toBe(true);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThan(2 ** 52);
        const xy = [0, 0];
        decodeScore(s, xy);
        expect(Math.abs(xy[0]! - lon)).toBeLessThanOrEqual(360 / 2 ** 26);
        expect(Math.abs(xy[1]! - lat)).toBeLessThanOrEqual((geoLatMax - geoLatMin) / 2 ** 26);
        // re-encoding the decoded centre lands in the same cell
        expect(encodeScore(xy[0]!, xy[1]!)).toBe(s);
      }),
    );
  });

  test('distance is the haversine on Redis earth radius, symmetric, zero on itself', () => {
    // GEODIST Sicily Palermo Catania of the Redis docs: the distance of the decoded points.
    const p = [0, 0];
    const q = [0, 0];
    decodeScore(3479099956230698, p);
    decodeScore(3479447370796909, q);
    expect(distance(p[0]!, p[1]!, q[0]!, q[1]!).toFixed(4)).toBe('166274.1516');
    fc.assert(
      fc.property(fc.double({ min: -180, max: 180, noNaN: true }), fc.double({ min: -85, max: 85, noNaN: true }), fc.double({ min: -180, max: 180, noNaN: true }), fc.double({ min: -85, max: 85, noNaN: true }), (a, b, c, d) => {
        expect(distance(a, b, a, b)).toBe(0);
        expect(Math.abs(distance(a, b, c, d) - distance(c, d, a, b))).toBeLessThan(1e-6);
      }),
    );
  });

  test('step estimate: smaller radius, finer cells; clamped to 1..26', () => {
    expect(estimateSteps(0, 0)).toBe(26);
    expect(estimateSteps(1e9, 0)).toBe(1);
    expect(estimateSteps(1, 0)).toBe(24);
    expect(estimateSteps(1000, 0)).toBeGreaterThan(estimateSteps(100000, 0));
    expect(estimateSteps(1000, 70)).toBe(estimateSteps(1000, 0) - 1);
    expect(estimateSteps(1000, -85)).toBe(estimateSteps(1000, 0) - 2);
  });

  test('the walked cells cover every point inside a circle (no point is missed)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -179, max: 179, noNaN: true }),
        fc.double({ min: -80, max: 80, noNaN: true }),
        fc.double({ min: 1, max: 500_000, noNaN: true }),
        fc.array(fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true })), { minLength: 1, maxLength: 30 }),
        (lon, lat, radius, offsets) => {
          const shape: GeoShape = { lon, lat, circle: true, radius, width: 0, height: 0, conversion: 1 };
          const ranges = searchCells(shape).filter((c) => c.step !== 0).map(cellScoreRange);
          for (const [dx, dy] of offsets) {
            const plon = lon + dx * (radius / 111_000);
            const plat = lat + dy * (radius / 111_000);
            if (plon < -180 || plon > 180 || plat < geoLatMin || plat > geoLatMax) continue;
            const s = encodeScore(plon, plat);
            const xy = [0, 0];
            decodeScore(s, xy);
            if (distanceIfInside(shape, xy[0]!, xy[1]!) < 0) continue;
            expect(ranges.some(([min, max]) => s >= min && s < max)).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('geo commands through the engine', () => {
  test('GEOADD records the command as sent; GEOSEARCHSTORE and GEORADIUS STORE too', () => {
    const engine = newEngine();
    const records: string[] = [];
    engine.onEffects = (r: EffectRecord) => records.push(r.effects.map((e) => e.argv.map((a) => a.toString('latin1')).join(' ')).join(' | '));
    const c = openClient(engine);
    expect(runCommand(engine, c, ['GEOADD', 'Sicily', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'])).toBe(':2\r\n');
    expect(runCommand(engine, c, ['GEOSEARCHSTORE', 'd', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'STOREDIST'])).toBe(':2\r\n');
    expect(runCommand(engine, c, ['GEORADIUS', 'Sicily', '15', '37', '100', 'km', 'STORE', 'e'])).toBe(':1\r\n');
    expect(runCommand(engine, c, ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km'])).toBe('*2\r\n$7\r\nPalermo\r\n$7\r\nCatania\r\n');
    expect(records).toEqual([
      'GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania',
      'GEOSEARCHSTORE d Sicily FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST',
      'GEORADIUS Sicily 15 37 100 km STORE e',
    ]);
    expect(runCommand(engine, c, ['ZSCORE', 'Sicily', 'Palermo'])).toBe('$16\r\n3479099956230698\r\n');
    // STOREDIST stores km distances (GEOSEARCH ... WITHDIST of the Redis docs prints them %.4f: 56.4413, 190.4424).
    expect(runCommand(engine, c, ['ZSCORE', 'd', 'Catania'])).toMatch(/^\$\d+\r\n56\.441\d*\r\n$/);
    expect(runCommand(engine, c, ['ZSCORE', 'd', 'Palermo'])).toMatch(/^\$\d+\r\n190\.442\d*\r\n$/);
    expect(runCommand(engine, c, ['GEODIST', 'Sicily', 'Palermo', 'Catania', 'km'])).toBe('$8\r\n166.2742\r\n');
    expect(runCommand(engine, c, ['GEOADD', 'Sicily', '200', '100', 'x'])).toBe('-ERR invalid longitude,latitude pair 200.000000,100.000000\r\n');
  });

  test('a replica replaying the recorded effects ends with the same geo sets', () => {
    const primary = newEngine();
    const replica = newEngine();
    const log: string[][] = [];
    primary.onEffects = (r: EffectRecord) => {
      for (const e of r.effects) log.push(e.argv.map((a) => a.toString('latin1')));
    };
    const c = openClient(primary);
    runCommand(primary, c, ['GEOADD', 'g', '1', '1', 'a', '2', '2', 'b', '3', '3', 'c']);
    runCommand(primary, c, ['GEOADD', 'g', 'XX', 'CH', '1.5', '1.5', 'a', '9', '9', 'z']);
    runCommand(primary, c, ['GEOSEARCHSTORE', 's', 'g', 'FROMMEMBER', 'a', 'BYBOX', '400', '400', 'km', 'COUNT', '2', 'DESC', 'STOREDIST']);
    runCommand(primary, c, ['GEORADIUSBYMEMBER', 'g', 'b', '1000', 'km', 'STORE', 't']);
    const r = openClient(replica);
    for (const argv of log) runCommand(replica, r, argv);
    for (const key of ['g', 's', 't']) {
      expect(runCommand(replica, r, ['ZRANGE', key, '0', '-1', 'WITHSCORES'])).toBe(runCommand(primary, c, ['ZRANGE', key, '0', '-1', 'WITHSCORES']));
    }
    expect(runCommand(primary, c, ['ZCARD', 's'])).toBe(':2\r\n');
  });
});
