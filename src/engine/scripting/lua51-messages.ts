// Lua 5.1's texts for the messages fengari's core formats (engine worker thread,
// patched once per process when this module loads), through lobject.luaO_pushvfstring
// and luaO_pushfstring, which ldebug, lauxlib and lapi call through the module object:
// - a number under %d/%I/%f prints as Lua 5.1 would. Every number is a double while
//   scripts run (lua51-numbers.ts), so fengari's own formatting would print a line
//   number as "1.0" ("user_script:1.0: ...", "bad argument #2.0"); %c of a control
//   character is "<\N>" as fengari's own code writes it.
// - a type error is 5.1's "attempt to call field 'x' (a nil value)" where 5.3 writes
//   "attempt to call a nil value (field 'x')" (arithmetic, concatenation, call, index,
//   length); 5.3's "constant" kind does not exist in 5.1, which then names no variable.
// Invariant: the wrapper only rewrites a format and its arguments, then calls
// fengari's formatter, so every other conversion behaves as before.

import { createRequire } from 'node:module';
import fengari from 'fengari';
import { formatNumber51 } from './lua-number-format.js';

const { to_luastring } = fengari;
const require = createRequire(import.meta.url);

type PushV = (L: unknown, fmt: Uint8Array, argp: unknown[]) => Uint8Array;
const lobject = require('fengari/src/lobject.js') as {
  luaO_pushvfstring: PushV & { __keeldbLua51?: boolean };
  luaO_pushfstring: (L: unknown, fmt: Uint8Array, ...argp: unknown[]) => Uint8Array;
};

const typeErrorFormat = 'attempt to %s a %s value%s';
const typeErrorFormat51 = to_luastring("attempt to %s %s '%s' (a %s value)");

function bytesText(b: unknown): string {
  return b instanceof Uint8Array ? Buffer.from(b.buffer, b.byteOffset, b.length).latin1Slice() : String(b);
}

if (lobject.luaO_pushvfstring.__keeldbLua51 !== true) {
  const original = lobject.luaO_pushvfstring;
  const wrapped: PushV & { __keeldbLua51?: boolean } = (L, fmt, argp) => {
    if (fmt.length === typeErrorFormat.length && bytesText(fmt) === typeErrorFormat && argp.length === 3) {
      const m = /^ \((global|local|method|field|upvalue) '(.*)'\)$/s.exec(bytesText(argp[2]));
      if (m !== null) return original(L, typeErrorFormat51, [argp[0], to_luastring(m[1]!), to_luastring(m[2]!), argp[1]]);
      return original(L, fmt, [argp[0], argp[1], to_luastring('')]);
    }
    let rewritten: Uint8Array | null = null;
    let args = argp;
    let a = 0;
    for (let i = 0; i < fmt.length - 1; i++) {
      if (fmt[i] !== 37 /* % */) continue;
      const c = fmt[++i];
      if (c === 37) continue;
      let text: string | null = null;
      if (c === 100 /* d */ || c === 73 /* I */) text = String(args[a]);
      else if (c === 102 /* f */) text = formatNumber51(args[a] as number);
      else if (c === 99 /* c */) {
        const code = args[a] as number;
        text = code >= 32 && code < 127 ? String.fromCharCode(code) : `<\\${code}>`;
      }
      if (text !== null) {
        if (rewritten === null) {
          rewritten = Uint8Array.from(fmt);
          args = argp.slice();
        }
        rewritten[i] = 115; // s
        args[a] = to_luastring(text);
      }
      a++;
    }
    return original(L, rewritten ?? fmt, args);
  };
  wrapped.__keeldbLua51 = true;
  lobject.luaO_pushvfstring = wrapped;
  lobject.luaO_pushfstring = (L, fmt, ...argp) => wrapped(L, fmt, argp);
}
