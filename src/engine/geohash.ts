// Geohash arithmetic (engine worker): Redis 7.0's geohash.c and geohash_helper.c with
// their exact double arithmetic, so that GEOADD scores, decoded coordinates, distances
// and the boxes a search walks (which decide the order of unsorted and COUNT ANY
// replies) are the same as redis-server's.
//
// A geo score is a 52-bit integer held exactly in a double: 26 latitude bits at the even
// positions and 26 longitude bits at the odd positions (Redis's interleave64 with x =
// latitude, y = longitude). Latitude spans Web Mercator's -85.05112878..85.05112878.
// A hash at `step` bits per axis is kept here as its two cell indexes (latIndex,
// lonIndex) instead of the interleaved bits: Redis's geohash_move_x/y are increments
// modulo 2^step on those indexes, so neighbours are plain index arithmetic.
//
// Known difference: distances use V8's Math.sin/cos/asin, which can differ from glibc's in
// the last bit; "%.4f" replies hide it, a STOREDIST score printed with %.17g shows it
// rarely (about once in 5000 random stores in test/diff/geo.test.ts).
//
// Invariants: 1 <= step <= 26 for any hash a search walks; indexes are in [0, 2^step).

export const geoLongMin = -180;
export const geoLongMax = 180;
export const geoLatMin = -85.05112878;
export const geoLatMax = 85.05112878;
/** Redis's GEO_STEP_MAX: 26 bits per axis, 52 bits in all. */
export const geoStepMax = 26;

const earthRadiusM = 6372797.560856;
const mercatorMax = 20037726.37;
const degToRad = Math.PI / 180.0;

/** One cell: the two axis indexes at `step` bits each. step 0 is Redis's GZERO (skipped). */
export interface GeoCell {
  latIndex: number;
  lonIndex: number;
  step: number;
}

export interface GeoArea {
  latMin: number;
  latMax: number;
  lonMin: number;
  lonMax: number;
}

// --- Bit interleaving over two 32-bit halves (no BigInt on the hot path) -----------------------

function spread16(x: number): number {
  x &= 0xffff;
  x = (x | (x << 8)) & 0x00ff00ff;
  x = (x | (x << 4)) & 0x0f0f0f0f;
  x = (x | (x << 2)) & 0x33333333;
  x = (x | (x << 1)) & 0x55555555;
  return x;
}

function squash16(x: number): number {
  x &= 0x55555555;
  x = (x | (x >>> 1)) & 0x33333333;
  x = (x | (x >>> 2)) & 0x0f0f0f0f;
  x = (x | (x >>> 4)) & 0x00ff00ff;
  x = (x | (x >>> 8)) & 0x0000ffff;
  return x;
}

const two32 = 4294967296;

/** Redis's interleave64(lat, lon) as a double (the uint64 -> double conversion rounds as C's). */
function interleave(lat: number, lon: number): number {
  const lo = (spread16(lat) | (spread16(lon) << 1)) >>> 0;
  const hi = (spread16(lat >>> 16) | (spread16(lon >>> 16) << 1)) >>> 0;
  return hi * two32 + lo;
}

/** The C cast of a double to uint32 as Redis's interleave64 argument receives it. */
function toUint32(d: number): number {
  return Math.trunc(d) >>> 0;
}

/** Cell of (longitude, latitude) at `step` in the given ranges (Redis's geohashEncode); null if outside. */
export function encodeCell(lon: number, lat: number, step: number, latMin = geoLatMin, latMax = geoLatMax): GeoCell | null {
  if (lon > geoLongMax || lon < geoLongMin || lat > geoLatMax || lat < geoLatMin) return null;
  if (lat < latMin || lat > latMax) return null;
  let latOffset = (lat - latMin) / (latMax - latMin);
  let lonOffset = (lon - geoLongMin) / (geoLongMax - geoLongMin);
  latOffset *= 2 ** step;
  lonOffset *= 2 ** step;
  return { latIndex: toUint32(latOffset), lonIndex: toUint32(lonOffset), step };
}

/** The 52-bit score GEOADD stores for a valid pair (geohashEncodeWGS84 + geohashAlign52Bits). */
export function encodeScore(lon: number, lat: number): number {
  const c = encodeCell(lon, lat, geoStepMax);
  if (c === null) throw new RangeError('coordinates out of range');
  return interleave(c.latIndex, c.lonIndex);
}

/** The cell's interleaved bits at its own step (uint64 arithmetic as Redis, as a double). */
export function cellBits(c: GeoCell): number {
  return interleave(c.latIndex, c.lonIndex);
}

/** The score range [min, max) a cell covers at 52 bits (scoresOfGeoHashBox). */
export function cellScoreRange(c: GeoCell): [number, number] {
  const shift = 2 ** (52 - c.step * 2);
  const bits = cellBits(c);
  return [bits * shift, (bits + 1) * shift];
}

/** Redis's geohashDecode: the cell's area in the given latitude range. */
export function decodeCell(c: GeoCell, latMin = geoLatMin, latMax = geoLatMax): GeoArea {
  const latScale = latMax - latMin;
  const lonScale = geoLongMax - geoLongMin;
  const cells = 2 ** c.step;
  return {
    latMin: latMin + (c.latIndex * 1.0 / cells) * latScale,
    latMax: latMin + ((c.latIndex + 1) * 1.0 / cells) * latScale,
    lonMin: geoLongMin + (c.lonIndex * 1.0 / cells) * lonScale,
    lonMax: geoLongMin + ((c.lonIndex + 1) * 1.0 / cells) * lonScale,
  };
}

/**
 * Decodes a sorted-set score as Redis's decodeGeohash: the (uint64_t) cast of the score,
 * deinterleaved at step 26, the centre of the cell clamped to the valid ranges. Writes
 * [longitude, latitude] into out.
 */
export function decodeScore(score: number, out: Float64Array | number[]): void {
  let hi: number;
  let lo: number;
  if (score >= 0 && score < 2 ** 53) {
    const t = Math.trunc(score);
    hi = Math.floor(t / two32) >>> 0;
    lo = (t - hi * two32) >>> 0;
  } else {
    const u = uint64Cast(score);
    hi = Number(u >> 32n);
    lo = Number(u & 0xffffffffn);
  }
  const latIndex = (squash16(lo) | (squash16(hi) << 16)) >>> 0;
  const lonIndex = (squash16(lo >>> 1) | (squash16(hi >>> 1) << 16)) >>> 0;
  // Redis decodes with step 26 and the uint32 parts as they are (bits above 52 included).
  const latScale = geoLatMax - geoLatMin;
  const lonScale = geoLongMax - geoLongMin;
  const cells = 2 ** geoStepMax;
  const latLo = geoLatMin + (latIndex * 1.0 / cells) * latScale;
  const latHi = geoLatMin + (((latIndex + 1) >>> 0) * 1.0 / cells) * latScale;
  const lonLo = geoLongMin + (lonIndex * 1.0 / cells) * lonScale;
  const lonHi = geoLongMin + (((lonIndex + 1) >>> 0) * 1.0 / cells) * lonScale;
  let x = (lonLo + lonHi) / 2;
  if (x > geoLongMax) x = geoLongMax;
  if (x < geoLongMin) x = geoLongMin;
  let y = (latLo + latHi) / 2;
  if (y > geoLatMax) y = geoLatMax;
  if (y < geoLatMin) y = geoLatMin;
  out[0] = x;
  out[1] = y;
}

/**
 * gcc's x86-64 (uint64_t) cast of a double, for scores that are not geo scores (any
 * ZADD score can be asked for): negative values wrap through cvttsd2si (values below
 * -2^63 give 2^63), values from 2^63 subtract 2^63 first (2^64 and above give 0).
 */
function uint64Cast(d: number): bigint {
  const two63 = 2 ** 63;
  if (d < two63) {
    if (!(d >= -two63)) return 1n << 63n;
    return BigInt.asUintN(64, BigInt(Math.trunc(d)));
  }
  const r = d - two63;
  if (r >= two63) return 0n;
  return BigInt(Math.trunc(r)) ^ (1n << 63n);
}

const geoAlphabet = '0123456789bcdefghjkmnpqrstuvwxyz';

/** GEOHASH's 11-character string: the decoded point re-encoded with latitude -90..90. */
export function geohashString(score: number): string {
  const xy = [0, 0];
  decodeScore(score, xy);
  const c = encodeCell(xy[0]!, xy[1]!, geoStepMax, -90, 90);
  if (c === null) return '00000000000';
  const bits = interleave(c.latIndex, c.lonIndex);
  let s = '';
  for (let i = 0; i < 10; i++) {
    // (bits >> (52 - (i+1)*5)) & 0x1f, exact: bits < 2^53.
    const idx = Math.floor(bits / 2 ** (52 - (i + 1) * 5)) % 32;
    s += geoAlphabet[idx];
  }
  return s + '0'; // the 11th character: Redis pads its 52 bits with zeros
}

// --- Distances (geohash_helper.c) -------------------------------------------------------------

export function latDistance(lat1: number, lat2: number): number {
  return earthRadiusM * Math.abs(lat2 * degToRad - lat1 * degToRad);
}

/** Haversine distance in meters, as geohashGetDistance. */
export function distance(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const lon1r = lon1 * degToRad;
  const lon2r = lon2 * degToRad;
  const v = Math.sin((lon2r - lon1r) / 2);
  if (v === 0.0) return latDistance(lat1, lat2);
  const lat1r = lat1 * degToRad;
  const lat2r = lat2 * degToRad;
  const u = Math.sin((lat2r - lat1r) / 2);
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
  return 2.0 * earthRadiusM * Math.asin(Math.sqrt(a));
}

// --- Search areas (geohashCalculateAreasByShapeWGS84) -----------------------------------------

/** A search shape in meters-per-unit `conversion`: a circle (radius) or a box (width, height). */
export interface GeoShape {
  lon: number;
  lat: number;
  circle: boolean;
  radius: number;
  width: number;
  height: number;
  conversion: number;
}

/** geohashEstimateStepsByRadius. */
export function estimateSteps(rangeM: number, lat: number): number {
  if (rangeM === 0) return 26;
  let step = 1;
  while (rangeM < mercatorMax) {
    rangeM *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

function boundingBox(s: GeoShape): [number, number, number, number] {
  const height = s.conversion * (s.circle ? s.radius : s.height / 2);
  const width = s.conversion * (s.circle ? s.radius : s.width / 2);
  const latDelta = height / earthRadiusM / degToRad;
  const lonDeltaTop = width / earthRadiusM / Math.cos((s.lat + latDelta) * degToRad) / degToRad;
  const lonDeltaBottom = width / earthRadiusM / Math.cos((s.lat - latDelta) * degToRad) / degToRad;
  const south = s.lat < 0;
  return [south ? s.lon - lonDeltaBottom : s.lon - lonDeltaTop, s.lat - latDelta, south ? s.lon + lonDeltaBottom : s.lon + lonDeltaTop, s.lat + latDelta];
}

function moved(c: GeoCell, dLon: number, dLat: number): GeoCell {
  const n = 2 ** c.step;
  return { latIndex: (c.latIndex + dLat + n) % n, lonIndex: (c.lonIndex + dLon + n) % n, step: c.step };
}

const zeroCell = (): GeoCell => ({ latIndex: 0, lonIndex: 0, step: 0 });

/**
 * The nine cells a search walks, in membersOfAllNeighbors's order: the centre, north,
 * south, east, west, north-east, north-west, south-east, south-west; a cell with
 * step 0 was excluded (GZERO).
 */
export function searchCells(s: GeoShape): GeoCell[] {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(s);
  const radiusM = (s.circle ? s.radius : Math.sqrt((s.width / 2) * (s.width / 2) + (s.height / 2) * (s.height / 2))) * s.conversion;
  let steps = estimateSteps(radiusM, s.lat);
  let hash = encodeCell(s.lon, s.lat, steps)!;
  const around = (h: GeoCell): GeoCell[] => [moved(h, 0, 1), moved(h, 0, -1), moved(h, 1, 0), moved(h, -1, 0), moved(h, 1, 1), moved(h, -1, 1), moved(h, 1, -1), moved(h, -1, -1)];
  let nb = around(hash);
  const north = decodeCell(nb[0]!);
  const south = decodeCell(nb[1]!);
  const east = decodeCell(nb[2]!);
  const west = decodeCell(nb[3]!);
  const decrease = north.latMax < maxLat || south.latMin > minLat || east.lonMax < maxLon || west.lonMin > minLon;
  if (steps > 1 && decrease) {
    steps--;
    hash = encodeCell(s.lon, s.lat, steps)!;
    nb = around(hash);
  }
  const area = decodeCell(hash);
  // nb: 0 N, 1 S, 2 E, 3 W, 4 NE, 5 NW, 6 SE, 7 SW
  if (steps >= 2) {
    if (area.latMin < minLat) nb[1] = nb[7] = nb[6] = zeroCell();
    if (area.latMax > maxLat) nb[0] = nb[4] = nb[5] = zeroCell();
    if (area.lonMin < minLon) nb[3] = nb[7] = nb[5] = zeroCell();
    if (area.lonMax > maxLon) nb[2] = nb[6] = nb[4] = zeroCell();
  }
  return [hash, ...nb];
}

/** Distance from the shape's centre to (lon, lat) if inside the shape (meters), else -1. */
export function distanceIfInside(s: GeoShape, lon: number, lat: number): number {
  if (s.circle) {
    const d = distance(s.lon, s.lat, lon, lat);
    return d > s.radius * s.conversion ? -1 : d;
  }
  const widthM = s.width * s.conversion;
  const heightM = s.height * s.conversion;
  if (latDistance(lat, s.lat) > heightM / 2) return -1;
  if (distance(lon, lat, s.lon, lat) > widthM / 2) return -1;
  return distance(s.lon, s.lat, lon, lat);
}
