// Lua 5.1's number-to-string conversion for fengari (engine worker thread): Redis's Lua
// formats every number with LUAI_NUMFFORMAT "%.14g" (tostring, `..`, string
// arguments built from numbers), where fengari's Lua 5.3 writes floats its own way
// ("3.0", "1000000000000000.0"). While scripts run every number counts as a float
// (lua51-numbers.ts), so all go through C's %.14g (formatG), which prints an
// integral value as its integer digits, NaN keeping its sign as glibc prints it
// ("-nan" for 0/0 on x86, "nan" for -(0/0)).
//
// How: fengari converts numbers to strings through lobject.luaO_tostring, which its
// API and VM (`..`, lua_tolstring) reach through the module object; the wrapper below
// replaces it for floats, once per process. The `tostring` builtin goes another way
// (luaL_tolstring -> lua_pushfstring), so installTostring51 wraps that global too,
// and installStringFormat51 string.format's number arguments (%e/%f/%g printed as
// C does, printf-float.ts). The wrappers call the
// original functions in their own frame, so argument errors keep their names.
// Invariant: a real integer (only the parser sees one) is left to fengari.

import { createRequire } from 'node:module';
import fengari, { type LuaState } from 'fengari';
import { formatG, luaError, pushBytes, toNumber51 } from './lua-lib-util.js';
import { formatFloatC } from './printf-float.js';

/** The conversions Lua 5.1's string.format accepts. */
const validConversions = 'cdiouxXeEfgGqs';

const { lua, to_luastring } = fengari;
const require = createRequire(import.meta.url);

interface TValueLike {
  value: number;
  ttisinteger(): boolean;
  setsvalue(s: unknown): void;
}
type ToString = ((L: unknown, obj: TValueLike) => void) & { __keeldbWrapped?: boolean };

const lobject = require('fengari/src/lobject.js') as { luaO_tostring: ToString };
const lstring = require('fengari/src/lstring.js') as { luaS_bless: (L: unknown, b: Uint8Array) => unknown };

if (lobject.luaO_tostring.__keeldbWrapped !== true) {
  const original = lobject.luaO_tostring;
  const wrapped: ToString = (L, obj) => {
    if (obj.ttisinteger()) {
      original(L, obj);
      return;
    }
    obj.setsvalue(lstring.luaS_bless(L, to_luastring(formatNumber51(obj.value))));
  };
  wrapped.__keeldbWrapped = true;
  lobject.luaO_tostring = wrapped;
}

const nanProbe = new Float64Array(1);
const nanProbeWords = new Uint32Array(nanProbe.buffer);

/** "%.14g" of a Lua 5.1 number, with glibc's signed nan. */
export function formatNumber51(n: number): string {
  if (Number.isNaN(n)) {
    nanProbe[0] = n;
    return (nanProbeWords[1]! & 0x80000000) !== 0 ? '-nan' : 'nan';
  }
  return formatG(n, 14);
}

/** Replaces the global `tostring` with one that prints floats as Lua 5.1 does. */
export function installTostring51(L: LuaState): void {
  const name = to_luastring('tostring');
  lua.lua_getglobal(L, name);
  const original = lua.lua_tocfunction(L, -1)!;
  lua.lua_pop(L, 1);
  // The original runs in this same frame, so its errors name 'tostring' and the line.
  lua.lua_pushjsfunction(L, (s) => {
    if (lua.lua_type(s, 1) === lua.LUA_TNUMBER && !lua.lua_isinteger(s, 1)) {
      pushBytes(s, Buffer.from(formatNumber51(lua.lua_tonumber(s, 1)), 'latin1'));
      return 1;
    }
    return original(s);
  });
  lua.lua_setglobal(L, name);
}

/**
 * Replaces string.format with one that treats numbers as Lua 5.1 does before handing
 * the call to fengari's: a number under %s or %q is first converted to its 5.1 string
 * ("%.14g", so %q quotes it); a float under an integer conversion (%d %i %u %o %x %X
 * %c) is cast to a 64-bit integer (C's truncation) and formatted here, where 5.3 would
 * refuse a fractional value ("number has no integer representation") and fengari's
 * 32-bit integers could not hold a large one. %e %E %f %g %G (numbers, or strings
 * that read as numbers) are C's (printf-float.ts); 5.3's %a is refused as 5.1 does.
 */
export function installStringFormat51(L: LuaState): void {
  lua.lua_getglobal(L, to_luastring('string'));
  lua.lua_getfield(L, -1, to_luastring('format'));
  const original = lua.lua_tocfunction(L, -1)!;
  lua.lua_pop(L, 1);
  // The original runs in this same frame (not through lua_call), so its argument
  // errors still say "bad argument #n to 'format'" at the script's line.
  lua.lua_pushjsfunction(L, (s) => {
    const top = lua.lua_gettop(s);
    if (top >= 1 && lua.lua_type(s, 1) === lua.LUA_TSTRING) {
      const fmt = Buffer.from(lua.lua_tolstring(s, 1)!);
      const out: number[] = [];
      let arg = 1;
      let changed = false;
      for (let i = 0; i < fmt.length; i++) {
        const c = fmt[i]!;
        if (c !== 37 /* % */) {
          out.push(c);
          continue;
        }
        if (fmt[i + 1] === 37) {
          out.push(37, 37);
          i++;
          continue;
        }
        let j = i + 1;
        while (j < fmt.length && '-+ #0'.includes(String.fromCharCode(fmt[j]!))) j++;
        while (j < fmt.length && fmt[j]! >= 48 && fmt[j]! <= 57) j++;
        if (fmt[j] === 46) {
          j++;
          while (j < fmt.length && fmt[j]! >= 48 && fmt[j]! <= 57) j++;
        }
        const conv = j < fmt.length ? String.fromCharCode(fmt[j]!) : '';
        const spec = fmt.latin1Slice(i + 1, j);
        arg++;
        if (arg <= top && lua.lua_type(s, arg) === lua.LUA_TNUMBER) {
          if (conv === 's' || conv === 'q') {
            const n = lua.lua_tonumber(s, arg);
            const text = lua.lua_isinteger(s, arg) ? String(n) : formatNumber51(n);
            pushBytes(s, Buffer.from(text, 'latin1'));
            lua.lua_replace(s, arg);
            changed = true;
          } else if ('diouxXc'.includes(conv) && conv !== '' && !lua.lua_isinteger(s, arg)) {
            const text = formatInteger(lua.lua_tonumber(s, arg), spec, conv);
            pushBytes(s, Buffer.from(text, 'latin1'));
            lua.lua_replace(s, arg);
            for (const b of Buffer.from('%s', 'latin1')) out.push(b);
            i = j;
            changed = true;
            continue;
          }
        }
        if (conv === 'q' && arg <= top && lua.lua_type(s, arg) === lua.LUA_TSTRING) {
          // 5.1's addquoted: only " \\ newline \\r and NUL are escaped, NUL as \\000.
          pushBytes(s, quote51(lua.lua_tolstring(s, arg)!));
          lua.lua_replace(s, arg);
          out.push(37, 115); // %s
          i = j;
          changed = true;
          continue;
        }
        if (conv !== '' && 'eEfgG'.includes(conv) && arg <= top) {
          const n = toNumber51(s, arg);
          if (n !== null) {
            const m = /^([-+ #0]*)(\d*)(?:\.(\d*))?$/.exec(spec);
            const text = formatFloatC(n, conv, m?.[1] ?? '', m?.[2] ? Number(m[2]) : 0, m?.[3] !== undefined ? Number(m[3] === '' ? 0 : m[3]) : -1);
            pushBytes(s, Buffer.from(text, 'latin1'));
            lua.lua_replace(s, arg);
            out.push(37, 115); // %s
            i = j;
            changed = true;
            continue;
          }
        } else if (conv !== '' && !validConversions.includes(conv)) {
          // Lua 5.3 also knows %a and %A.
          luaError(s, `invalid option '%${conv}' to 'format'`);
        }
        for (let k = i; k <= j && k < fmt.length; k++) out.push(fmt[k]!);
        i = j;
      }
      if (changed) {
        pushBytes(s, Uint8Array.from(out));
        lua.lua_replace(s, 1);
      }
    }
    return original(s);
  });
  lua.lua_setfield(L, -2, to_luastring('format'));
  lua.lua_pop(L, 1);
}

/** Lua 5.1's %q of a string. */
function quote51(str: Uint8Array): Uint8Array {
  const out: number[] = [34];
  for (const c of str) {
    if (c === 34 || c === 92) out.push(92, c);
    else if (c === 10) out.push(92, 10);
    else if (c === 13) out.push(92, 114);
    else if (c === 0) out.push(92, 48, 48, 48);
    else out.push(c);
  }
  out.push(34);
  return Uint8Array.from(out);
}

/** C's printf of (long long)n under an integer conversion with flags/width/precision. */
function formatInteger(n: number, spec: string, conv: string): string {
  const m = /^([-+ #0]*)(\d*)(?:\.(\d*))?$/.exec(spec);
  const flags = m?.[1] ?? '';
  const width = m?.[2] ? Number(m[2]) : 0;
  const precision = m?.[3] !== undefined ? Number(m[3] === '' ? 0 : m[3]) : -1;
  // (long long) cast on x86-64: NaN, infinities and out-of-range values are INT64_MIN.
  const v = Number.isFinite(n) && n >= -9223372036854775808 && n < 9223372036854775808 ? BigInt(Math.trunc(n)) : -(1n << 63n);
  if (conv === 'c') return String.fromCharCode(Number(BigInt.asUintN(8, v))).padStart(width, ' ');
  const unsigned = conv !== 'd' && conv !== 'i';
  const u = unsigned ? BigInt.asUintN(64, v) : v;
  const neg = u < 0n;
  let digits = (neg ? -u : u).toString(conv === 'o' ? 8 : conv === 'x' || conv === 'X' ? 16 : 10);
  if (conv === 'X') digits = digits.toUpperCase();
  if (precision >= 0) digits = precision === 0 && u === 0n ? '' : digits.padStart(precision, '0');
  let prefix = neg ? '-' : !unsigned && flags.includes('+') ? '+' : !unsigned && flags.includes(' ') ? ' ' : '';
  if (flags.includes('#') && u !== 0n) {
    if (conv === 'x') prefix += '0x';
    else if (conv === 'X') prefix += '0X';
    else if (conv === 'o' && !digits.startsWith('0')) digits = `0${digits}`;
  }
  const body = prefix + digits;
  if (body.length >= width) return body;
  if (flags.includes('-')) return body.padEnd(width, ' ');
  if (flags.includes('0') && precision < 0) return prefix + digits.padStart(width - prefix.length, '0');
  return body.padStart(width, ' ');
}
