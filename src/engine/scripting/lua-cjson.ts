// The `cjson` library Redis 7.0 gives scripts (lua-cjson 2.1.0 as bundled in Redis's
// deps/lua), in JS over fengari (engine worker thread). Read to match, not copied:
//
//   cjson.encode(v)   nil/cjson.null -> null; booleans; numbers with "%.14g" (the
//                     precision is configurable, 1..14), NaN/Inf refused by default;
//                     strings byte for byte with \" \\ \/ \b \t \n \f \r escaped and
//                     other bytes < 0x20 and 0x7f as \u00XX (bytes >= 0x80 pass as
//                     they are); a table whose keys are all integers >= 1 is an array
//                     ([t[1] .. t[max]], holes as null) unless it is "excessively
//                     sparse" (max > 2 * items and max > 10: an error by default);
//                     any other table is an object (number keys written as strings,
//                     other key types refused); nesting beyond 1000 refused.
//   cjson.decode(s)   JSON -> Lua: objects and arrays as tables, null as cjson.null
//                     (a NULL lightuserdata), numbers as C's strtod reads them
//                     (hex, inf and nan accepted by default), \uXXXX (surrogate
//                     pairs included) as UTF-8; errors "Expected <what> but found
//                     <token> at character <n>", nesting beyond 1000 refused.
//   configuration     encode_sparse_array, encode_max_depth, decode_max_depth,
//                     encode_number_precision, encode_keep_buffer (accepted, no
//                     effect: there is no buffer to keep), encode_invalid_numbers,
//                     decode_invalid_numbers, new (an instance with its own settings).
//
// The settings live as long as the Lua state, as in Redis: a script that changes
// them changes them for later scripts too, until SCRIPT FLUSH makes a new state.
//
// Known difference: an object's keys come out with positive integer keys first,
// ascending (as Lua 5.1's array part), then the rest in fengari's `next` order, which
// is not Lua 5.1's hash order: objects with several string keys can list them in
// another order than Redis.
//
// Invariants: encode and decode leave the stack with exactly their one result; a
// decode error never leaves a partial value behind (lua_error unwinds the stack).

import fengari, { type LuaState } from 'fengari';
import {
  argError, checkBytes51, checkInteger51, checkOption, forEachPair51, formatG, luaError,
  pushBytes, pushNumber51, setFunction, setString, typeName,
} from './lua-lib-util.js';

const { lua, to_luastring } = fengari;

const int32Max = 2147483647;
/**
 * Nesting beyond this fails even when a script raised encode_max_depth or
 * decode_max_depth above it: Redis's Lua 5.1 stops at its 8000-slot frame limit
 * (thousands of levels), and the JS recursion here must stop before V8's stack does.
 * The error texts are the same; only the depth at which they come differs.
 */
const nestingMax = 2500;

interface CjsonConfig {
  sparseConvert: boolean;
  sparseRatio: number;
  sparseSafe: number;
  encodeMaxDepth: number;
  decodeMaxDepth: number;
  /** 0 = refuse NaN/Inf, 1 = write inf/nan, 2 = write null. */
  encodeInvalidNumbers: number;
  decodeInvalidNumbers: boolean;
  keepBuffer: boolean;
  precision: number;
}

function defaultConfig(): CjsonConfig {
  return {
    sparseConvert: false,
    sparseRatio: 2,
    sparseSafe: 10,
    encodeMaxDepth: 1000,
    decodeMaxDepth: 1000,
    encodeInvalidNumbers: 0,
    decodeInvalidNumbers: true,
    keepBuffer: true,
    precision: 14,
  };
}

/** Escapes of the bytes that need one (lua-cjson's char2escape). */
const escapes: (string | null)[] = new Array<string | null>(256).fill(null);
for (let i = 0; i < 32; i++) escapes[i] = `\\u${i.toString(16).padStart(4, '0')}`;
escapes[8] = '\\b';
escapes[9] = '\\t';
escapes[10] = '\\n';
escapes[12] = '\\f';
escapes[13] = '\\r';
escapes[34] = '\\"';
escapes[47] = '\\/';
escapes[92] = '\\\\';
escapes[127] = '\\u007f';

/** Installs the global `cjson` (lua-readonly.ts makes it read-only with the other globals). */
export function installCjson(L: LuaState): void {
  pushCjsonModule(L);
  lua.lua_setglobal(L, to_luastring('cjson'));
}

/** Pushes a cjson module table with its own configuration (cjson.new). */
function pushCjsonModule(L: LuaState): void {
  const cfg = defaultConfig();
  lua.lua_createtable(L, 0, 14);
  setFunction(L, 'encode', (s) => encode(s, cfg));
  setFunction(L, 'decode', (s) => decode(s, cfg));
  setFunction(L, 'encode_sparse_array', (s) => {
    argInit(s, 3);
    const convert = enumOption(s, 1, cfg.sparseConvert ? 1 : 0, boolOptions);
    cfg.sparseConvert = convert === 1;
    cfg.sparseRatio = integerOption(s, 2, cfg.sparseRatio, 0, int32Max);
    cfg.sparseSafe = integerOption(s, 3, cfg.sparseSafe, 0, int32Max);
    return 3;
  });
  setFunction(L, 'encode_max_depth', (s) => {
    argInit(s, 1);
    cfg.encodeMaxDepth = integerOption(s, 1, cfg.encodeMaxDepth, 1, int32Max);
    return 1;
  });
  setFunction(L, 'decode_max_depth', (s) => {
    argInit(s, 1);
    cfg.decodeMaxDepth = integerOption(s, 1, cfg.decodeMaxDepth, 1, int32Max);
    return 1;
  });
  setFunction(L, 'encode_number_precision', (s) => {
    argInit(s, 1);
    cfg.precision = integerOption(s, 1, cfg.precision, 1, 14);
    return 1;
  });
  setFunction(L, 'encode_keep_buffer', (s) => {
    argInit(s, 1);
    cfg.keepBuffer = enumOption(s, 1, cfg.keepBuffer ? 1 : 0, boolOptions) === 1;
    return 1;
  });
  setFunction(L, 'encode_invalid_numbers', (s) => {
    argInit(s, 1);
    cfg.encodeInvalidNumbers = enumOption(s, 1, cfg.encodeInvalidNumbers, ['off', 'on', 'null']);
    return 1;
  });
  setFunction(L, 'decode_invalid_numbers', (s) => {
    argInit(s, 1);
    cfg.decodeInvalidNumbers = enumOption(s, 1, cfg.decodeInvalidNumbers ? 1 : 0, boolOptions) === 1;
    return 1;
  });
  setFunction(L, 'new', (s) => {
    pushCjsonModule(s);
    return 1;
  });
  lua.lua_pushlightuserdata(L, null);
  lua.lua_setfield(L, -2, to_luastring('null'));
  setString(L, '_NAME', 'cjson');
  setString(L, '_VERSION', '2.1.0');
}

const boolOptions = ['off', 'on'];

/** json_arg_init: at most `n` arguments ("found too many arguments"), padded with nil. */
function argInit(L: LuaState, n: number): void {
  if (lua.lua_gettop(L) > n) argError(L, n + 1, 'found too many arguments');
  lua.lua_settop(L, n);
}

/** json_integer_option: sets from argument `idx` when given; pushes the value. */
function integerOption(L: LuaState, idx: number, current: number, min: number, max: number): number {
  let value = current;
  if (lua.lua_type(L, idx) !== lua.LUA_TNIL) {
    value = checkInteger51(L, idx);
    // lua-cjson checks the range against argument 1 whatever the option's position.
    if (value < min || value > max) argError(L, 1, `expected integer between ${min} and ${max}`);
  }
  lua.lua_pushinteger(L, value);
  return value;
}

/** json_enum_option with bool_true = 1: a boolean or one of `options`; pushes the value. */
function enumOption(L: LuaState, idx: number, current: number, options: readonly string[]): number {
  let value = current;
  if (lua.lua_type(L, idx) !== lua.LUA_TNIL) {
    value = lua.lua_type(L, idx) === lua.LUA_TBOOLEAN ? (lua.lua_toboolean(L, idx) ? 1 : 0) : checkOption(L, idx, options);
  }
  if (value === 0 || value === 1) lua.lua_pushboolean(L, value === 1);
  else pushBytes(L, Buffer.from(options[value]!, 'latin1'));
  return value;
}

// --- encode ------------------------------------------------------------------------

class Out {
  parts: string[] = [];
  push(s: string): void {
    this.parts.push(s);
  }
}

function encode(L: LuaState, cfg: CjsonConfig): number {
  if (lua.lua_gettop(L) !== 1) argError(L, 1, 'expected 1 argument');
  const out = new Out();
  appendData(L, cfg, 0, out);
  pushBytes(L, Buffer.from(out.parts.join(''), 'latin1'));
  return 1;
}

function encodeError(L: LuaState, idx: number, reason: string): never {
  return luaError(L, `Cannot serialise ${typeName(L, idx)}: ${reason}`);
}

function appendString(L: LuaState, idx: number, out: Out): void {
  const u8 = lua.lua_tolstring(L, idx)!;
  let s = '"';
  let from = 0;
  for (let i = 0; i < u8.length; i++) {
    const e = escapes[u8[i]!];
    if (e !== null) {
      s += Buffer.from(u8.buffer, u8.byteOffset + from, i - from).latin1Slice() + e;
      from = i + 1;
    }
  }
  s += Buffer.from(u8.buffer, u8.byteOffset + from, u8.length - from).latin1Slice();
  out.push(`${s}"`);
}

function appendNumber(L: LuaState, cfg: CjsonConfig, idx: number, out: Out): void {
  const n = lua.lua_tonumber(L, idx);
  if (cfg.encodeInvalidNumbers === 0) {
    if (!Number.isFinite(n)) encodeError(L, idx, 'must not be NaN or Inf');
  } else if (cfg.encodeInvalidNumbers === 1) {
    if (Number.isNaN(n)) {
      out.push('nan');
      return;
    }
  } else if (!Number.isFinite(n)) {
    out.push('null');
    return;
  }
  out.push(formatG(n, cfg.precision));
}

/** lua_array_length: the array size of the table on top, or -1 for an object. */
function arrayLength(L: LuaState, cfg: CjsonConfig): number {
  let max = 0;
  let items = 0;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, -2) !== 0) {
    if (lua.lua_type(L, -2) === lua.LUA_TNUMBER) {
      const k = lua.lua_tonumber(L, -2);
      if (k !== 0 && Math.floor(k) === k && k >= 1) {
        if (k > max) max = k;
        items++;
        lua.lua_pop(L, 1);
        continue;
      }
    }
    lua.lua_pop(L, 2);
    return -1;
  }
  if (cfg.sparseRatio > 0 && max > items * cfg.sparseRatio && max > cfg.sparseSafe) {
    if (!cfg.sparseConvert) encodeError(L, -1, 'excessively sparse array');
    return -1;
  }
  return max;
}

/** json_append_data: the value on top of the stack. */
function appendData(L: LuaState, cfg: CjsonConfig, depth: number, out: Out): void {
  const t = lua.lua_type(L, -1);
  if (t === lua.LUA_TSTRING) appendString(L, -1, out);
  else if (t === lua.LUA_TNUMBER) appendNumber(L, cfg, -1, out);
  else if (t === lua.LUA_TBOOLEAN) out.push(lua.lua_toboolean(L, -1) ? 'true' : 'false');
  else if (t === lua.LUA_TNIL) out.push('null');
  else if (t === lua.LUA_TLIGHTUSERDATA && lua.lua_touserdata(L, -1) === null) out.push('null');
  else if (t === lua.LUA_TTABLE) {
    const current = depth + 1;
    if (current > cfg.encodeMaxDepth || current > nestingMax || !lua.lua_checkstack(L, 3)) luaError(L, `Cannot serialise, excessive nesting (${current})`);
    const len = arrayLength(L, cfg);
    if (len > 0) {
      out.push('[');
      for (let i = 1; i <= len; i++) {
        if (i > 1) out.push(',');
        lua.lua_rawgeti(L, -1, i);
        appendData(L, cfg, current, out);
        lua.lua_pop(L, 1);
      }
      out.push(']');
    } else {
      out.push('{');
      let comma = false;
      forEachPair51(L, () => {
        if (comma) out.push(',');
        else comma = true;
        const kt = lua.lua_type(L, -2);
        if (kt === lua.LUA_TNUMBER) {
          out.push('"');
          appendNumber(L, cfg, -2, out);
          out.push('":');
        } else if (kt === lua.LUA_TSTRING) {
          appendString(L, -2, out);
          out.push(':');
        } else {
          encodeError(L, -2, 'table key must be a number or string');
        }
        appendData(L, cfg, current, out);
      });
      out.push('}');
    }
  } else {
    encodeError(L, -1, 'type not supported');
  }
}

// --- decode ------------------------------------------------------------------------

const enum Tok {
  ObjBegin,
  ObjEnd,
  ArrBegin,
  ArrEnd,
  String,
  Number,
  Boolean,
  Null,
  Colon,
  Comma,
  End,
  Whitespace,
  Error,
  Unknown,
}

const tokenNames = ['T_OBJ_BEGIN', 'T_OBJ_END', 'T_ARR_BEGIN', 'T_ARR_END', 'T_STRING', 'T_NUMBER', 'T_BOOLEAN', 'T_NULL', 'T_COLON', 'T_COMMA', 'T_END', 'T_WHITESPACE', 'T_ERROR', 'T_UNKNOWN'];

const ch2token = new Uint8Array(256).fill(Tok.Error);
ch2token[123] = Tok.ObjBegin;
ch2token[125] = Tok.ObjEnd;
ch2token[91] = Tok.ArrBegin;
ch2token[93] = Tok.ArrEnd;
ch2token[44] = Tok.Comma;
ch2token[58] = Tok.Colon;
ch2token[0] = Tok.End;
for (const c of [32, 9, 10, 13]) ch2token[c] = Tok.Whitespace;
for (const c of 'fiInNt"+-0123456789') ch2token[c.charCodeAt(0)] = Tok.Unknown;

const escape2char = new Uint8Array(256);
escape2char[34] = 34;
escape2char[92] = 92;
escape2char[47] = 47;
escape2char[98] = 8;
escape2char[116] = 9;
escape2char[110] = 10;
escape2char[102] = 12;
escape2char[114] = 13;
escape2char[117] = 117; // 'u': a unicode escape

interface Token {
  type: Tok;
  /** 0-based position of the token (or of the error). */
  index: number;
  /** T_ERROR's text. */
  error: string;
  bytes: Buffer | null;
  number: number;
  boolean: boolean;
}

class Parser {
  pos = 0;
  depth = 0;
  readonly tmp: number[] = [];
  constructor(
    readonly L: LuaState,
    readonly data: Uint8Array,
    readonly cfg: CjsonConfig,
  ) {}

  /** The byte at i, 0 past the end (the C code reads a NUL-terminated buffer). */
  at(i: number): number {
    return i < this.data.length ? this.data[i]! : 0;
  }

  fail(token: Token, index: number, error: string): void {
    token.type = Tok.Error;
    token.index = index;
    token.error = error;
  }

  next(token: Token): void {
    let type = ch2token[this.at(this.pos)]! as Tok;
    while (type === Tok.Whitespace) type = ch2token[this.at(++this.pos)]! as Tok;
    token.type = type;
    token.index = this.pos;
    if (type === Tok.Error) {
      this.fail(token, this.pos, 'invalid token');
      return;
    }
    if (type === Tok.End) return;
    if (type !== Tok.Unknown) {
      this.pos++;
      return;
    }
    const ch = this.at(this.pos);
    if (ch === 34) {
      this.stringToken(token);
    } else if (ch === 45 || (ch >= 48 && ch <= 57)) {
      if (!this.cfg.decodeInvalidNumbers && this.isInvalidNumber()) this.fail(token, this.pos, 'invalid number');
      else this.numberToken(token);
    } else if (this.startsWith('true')) {
      token.type = Tok.Boolean;
      token.boolean = true;
      this.pos += 4;
    } else if (this.startsWith('false')) {
      token.type = Tok.Boolean;
      token.boolean = false;
      this.pos += 5;
    } else if (this.startsWith('null')) {
      token.type = Tok.Null;
      this.pos += 4;
    } else if (this.cfg.decodeInvalidNumbers && this.isInvalidNumber()) {
      this.numberToken(token);
    } else {
      this.fail(token, this.pos, 'invalid token');
    }
  }

  startsWith(word: string): boolean {
    for (let i = 0; i < word.length; i++) if (this.at(this.pos + i) !== word.charCodeAt(i)) return false;
    return true;
  }

  startsWithCaseless(from: number, word: string): boolean {
    for (let i = 0; i < word.length; i++) if ((this.at(from + i) | 0x20) !== word.charCodeAt(i)) return false;
    return true;
  }

  /** json_is_invalid_number: forms strtod takes that strict JSON does not. */
  isInvalidNumber(): boolean {
    let p = this.pos;
    if (this.at(p) === 43) return true;
    if (this.at(p) === 45) p++;
    if (this.at(p) === 48) {
      const ch2 = this.at(p + 1);
      return (ch2 | 0x20) === 120 || (ch2 >= 48 && ch2 <= 57);
    }
    if (this.at(p) <= 57) return false;
    return this.startsWithCaseless(p, 'inf') || this.startsWithCaseless(p, 'nan');
  }

  numberToken(token: Token): void {
    const r = strtod(this.data, this.pos);
    if (r === null) {
      this.fail(token, this.pos, 'invalid number');
      return;
    }
    token.type = Tok.Number;
    token.number = r.value;
    this.pos = r.end;
  }

  stringToken(token: Token): void {
    this.pos++;
    const tmp = this.tmp;
    tmp.length = 0;
    for (;;) {
      let ch = this.at(this.pos);
      if (ch === 34) break;
      if (ch === 0) {
        this.fail(token, this.pos, 'unexpected end of string');
        return;
      }
      if (ch === 92) {
        ch = escape2char[this.at(this.pos + 1)]!;
        if (ch === 117) {
          if (this.unicodeEscape()) continue;
          this.fail(token, this.pos, 'invalid unicode escape code');
          return;
        }
        if (ch === 0) {
          this.fail(token, this.pos, 'invalid escape code');
          return;
        }
        this.pos++;
      }
      tmp.push(ch);
      this.pos++;
    }
    this.pos++;
    token.type = Tok.String;
    token.bytes = Buffer.from(tmp);
  }

  hex4(at: number): number {
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const c = this.at(at + i);
      let d: number;
      if (c >= 48 && c <= 57) d = c - 48;
      else if ((c | 0x20) >= 97 && (c | 0x20) <= 102) d = (c | 0x20) - 87;
      else return -1;
      v = (v << 4) | d;
    }
    return v;
  }

  /** json_append_unicode_escape: \uXXXX (or a surrogate pair) as UTF-8; false on error. */
  unicodeEscape(): boolean {
    let cp = this.hex4(this.pos + 2);
    if (cp < 0) return false;
    let len = 6;
    if ((cp & 0xf800) === 0xd800) {
      if (cp & 0x400) return false;
      if (this.at(this.pos + 6) !== 92 || this.at(this.pos + 7) !== 117) return false;
      const low = this.hex4(this.pos + 8);
      if (low < 0 || (low & 0xfc00) !== 0xdc00) return false;
      cp = (((cp & 0x3ff) << 10) | (low & 0x3ff)) + 0x10000;
      len = 12;
    }
    const t = this.tmp;
    if (cp <= 0x7f) t.push(cp);
    else if (cp <= 0x7ff) t.push((cp >> 6) | 0xc0, (cp & 0x3f) | 0x80);
    else if (cp <= 0xffff) t.push((cp >> 12) | 0xe0, ((cp >> 6) & 0x3f) | 0x80, (cp & 0x3f) | 0x80);
    else t.push((cp >> 18) | 0xf0, ((cp >> 12) & 0x3f) | 0x80, ((cp >> 6) & 0x3f) | 0x80, (cp & 0x3f) | 0x80);
    this.pos += len;
    return true;
  }

  throwError(expected: string, token: Token): never {
    const found = token.type === Tok.Error ? token.error : tokenNames[token.type]!;
    return luaError(this.L, `Expected ${expected} but found ${found} at character ${token.index + 1}`);
  }

  descend(slots: number): void {
    this.depth++;
    if (this.depth <= this.cfg.decodeMaxDepth && this.depth <= nestingMax && lua.lua_checkstack(this.L, slots)) return;
    luaError(this.L, `Found too many nested data structures (${this.depth}) at character ${this.pos}`);
  }

  object(): void {
    const L = this.L;
    this.descend(3);
    lua.lua_createtable(L, 0, 0);
    const token = newToken();
    this.next(token);
    if ((token.type as Tok) === Tok.ObjEnd) {
      this.depth--;
      return;
    }
    for (;;) {
      if (token.type !== Tok.String) this.throwError('object key string', token);
      pushBytes(L, token.bytes!);
      this.next(token);
      if ((token.type as Tok) !== Tok.Colon) this.throwError('colon', token);
      this.next(token);
      this.value(token);
      lua.lua_rawset(L, -3);
      this.next(token);
      if ((token.type as Tok) === Tok.ObjEnd) {
        this.depth--;
        return;
      }
      if ((token.type as Tok) !== Tok.Comma) this.throwError('comma or object end', token);
      this.next(token);
    }
  }

  array(): void {
    const L = this.L;
    this.descend(2);
    lua.lua_createtable(L, 0, 0);
    const token = newToken();
    this.next(token);
    if ((token.type as Tok) === Tok.ArrEnd) {
      this.depth--;
      return;
    }
    for (let i = 1; ; i++) {
      this.value(token);
      lua.lua_rawseti(L, -2, i);
      this.next(token);
      if ((token.type as Tok) === Tok.ArrEnd) {
        this.depth--;
        return;
      }
      if ((token.type as Tok) !== Tok.Comma) this.throwError('comma or array end', token);
      this.next(token);
    }
  }

  value(token: Token): void {
    const L = this.L;
    switch (token.type) {
      case Tok.String:
        pushBytes(L, token.bytes!);
        break;
      case Tok.Number:
        pushNumber51(L, token.number);
        break;
      case Tok.Boolean:
        lua.lua_pushboolean(L, token.boolean);
        break;
      case Tok.ObjBegin:
        this.object();
        break;
      case Tok.ArrBegin:
        this.array();
        break;
      case Tok.Null:
        lua.lua_pushlightuserdata(L, null);
        break;
      default:
        this.throwError('value', token);
    }
  }
}

function newToken(): Token {
  return { type: Tok.End, index: 0, error: '', bytes: null, number: 0, boolean: false };
}

function decode(L: LuaState, cfg: CjsonConfig): number {
  if (lua.lua_gettop(L) !== 1) argError(L, 1, 'expected 1 argument');
  const data = checkBytes51(L, 1);
  if (data.length >= 2 && (data[0] === 0 || data[1] === 0)) luaError(L, 'JSON parser does not support UTF-16 or UTF-32');
  const p = new Parser(L, data, cfg);
  const token = newToken();
  p.next(token);
  p.value(token);
  p.next(token);
  if (token.type !== Tok.End) p.throwError('the end', token);
  return 1;
}

/**
 * C's strtod from `start` (no leading blanks here: the tokenizer skipped them): the
 * value and where it stopped, or null when nothing was read. Decimal forms go
 * through Number(), which rounds correctly as glibc does; hex forms are summed
 * exactly up to 2^53.
 */
export function strtod(data: Uint8Array, start: number): { value: number; end: number } | null {
  const at = (i: number): number => (i < data.length ? data[i]! : 0);
  const isDigit = (c: number): boolean => c >= 48 && c <= 57;
  const hexVal = (c: number): number => (isDigit(c) ? c - 48 : (c | 0x20) >= 97 && (c | 0x20) <= 102 ? (c | 0x20) - 87 : -1);
  let p = start;
  let sign = 1;
  if (at(p) === 43 || at(p) === 45) {
    if (at(p) === 45) sign = -1;
    p++;
  }
  const word = (from: number, w: string): boolean => {
    for (let i = 0; i < w.length; i++) if ((at(from + i) | 0x20) !== w.charCodeAt(i)) return false;
    return true;
  };
  if (word(p, 'inf')) {
    return { value: sign * Infinity, end: word(p, 'infinity') ? p + 8 : p + 3 };
  }
  if (word(p, 'nan')) {
    let end = p + 3;
    if (at(end) === 40) {
      let q = end + 1;
      while (isDigit(at(q)) || ((at(q) | 0x20) >= 97 && (at(q) | 0x20) <= 122) || at(q) === 95) q++;
      if (at(q) === 41) end = q + 1;
    }
    return { value: NaN, end };
  }
  if (at(p) === 48 && (at(p + 1) | 0x20) === 120 && (hexVal(at(p + 2)) >= 0 || (at(p + 2) === 46 && hexVal(at(p + 3)) >= 0))) {
    let q = p + 2;
    let mant = 0;
    let exp = 0;
    while (hexVal(at(q)) >= 0) mant = mant * 16 + hexVal(at(q++));
    if (at(q) === 46) {
      q++;
      while (hexVal(at(q)) >= 0) {
        mant = mant * 16 + hexVal(at(q++));
        exp -= 4;
      }
    }
    if ((at(q) | 0x20) === 112) {
      let r = q + 1;
      let esign = 1;
      if (at(r) === 43 || at(r) === 45) {
        if (at(r) === 45) esign = -1;
        r++;
      }
      if (isDigit(at(r))) {
        let e = 0;
        while (isDigit(at(r))) e = Math.min(e * 10 + (at(r++) - 48), 100000);
        exp += esign * e;
        q = r;
      }
    }
    return { value: sign * mant * Math.pow(2, exp), end: q };
  }
  const digitsFrom = p;
  let q = p;
  while (isDigit(at(q))) q++;
  let digits = q - digitsFrom;
  if (at(q) === 46) {
    const f = q + 1;
    let r = f;
    while (isDigit(at(r))) r++;
    digits += r - f;
    if (digits > 0) q = r;
  }
  if (digits === 0) return null;
  if ((at(q) | 0x20) === 101) {
    let r = q + 1;
    if (at(r) === 43 || at(r) === 45) r++;
    if (isDigit(at(r))) {
      while (isDigit(at(r))) r++;
      q = r;
    }
  }
  const text = Buffer.from(data.buffer, data.byteOffset + digitsFrom, q - digitsFrom).latin1Slice();
  return { value: sign * Number(text.startsWith('.') ? `0${text}` : text.endsWith('.') ? text.slice(0, -1) : text.replace('.e', 'e').replace('.E', 'E')), end: q };
}
