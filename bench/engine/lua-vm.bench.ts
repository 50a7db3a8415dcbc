// Lua VM candidates for scripting (issue 6), measured side by side on the main thread:
//   npx tsx bench/engine/lua-vm.bench.ts
// For each of wasmoon (Lua 5.4 in WebAssembly) and fengari (Lua 5.3 in JS):
//   - round trip: a precompiled function doing `return call('get', KEYS[1])`, where
//     call is a JS function answering synchronously (as the engine's redis.call must);
//   - loop: the same function body calling back 1000 times;
//   - compile: loading a new small chunk (EVAL of a script not yet cached).
// The engine is synchronous, so only synchronous entry points are measured
// (wasmoon's factory is async: it is created once before timing).

import { Bench } from 'tinybench';
import { LuaFactory } from 'wasmoon';
import fengari from 'fengari';

const { lua, lauxlib, lualib, to_luastring } = fengari;
const value = Buffer.from('hello world');

async function main(): Promise<void> {
  const bench = new Bench({ time: 400, warmupTime: 100 });

  // --- wasmoon ---
  const factory = new LuaFactory();
  const w = await factory.createEngine();
  w.global.set('jscall', (_cmd: string, _key: string) => 'hello world');
  w.doStringSync(`KEYS = {'k'}
function trip() return jscall('get', KEYS[1]) end
function loop() local r for i = 1, 1000 do r = jscall('get', KEYS[1]) end return r end`);
  const wTrip = w.global.get('trip') as () => unknown;
  const wLoop = w.global.get('loop') as () => unknown;
  let n = 0;
  bench.add('wasmoon round trip', () => {
    wTrip();
  });
  bench.add('wasmoon 1000-call loop', () => {
    wLoop();
  });
  bench.add('wasmoon compile+run new chunk', () => {
    w.doStringSync(`return ${n++} + 1`);
  });

  // --- fengari ---
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  lua.lua_pushjsfunction(L, (s) => {
    lua.lua_pushlstring(s, value, value.length);
    return 1;
  });
  lua.lua_setglobal(L, to_luastring('jscall'));
  const src = `KEYS = {'k'}
function trip() return jscall('get', KEYS[1]) end
function loop() local r for i = 1, 1000 do r = jscall('get', KEYS[1]) end return r end`;
  if (lauxlib.luaL_dostring(L, to_luastring(src)) !== 0) throw new Error('fengari load');
  const fcall = (name: string): void => {
    lua.lua_getglobal(L, to_luastring(name));
    if (lua.lua_pcall(L, 0, 1, 0) !== 0) throw new Error('fengari call');
    lua.lua_tolstring(L, -1);
    lua.lua_pop(L, 1);
  };
  bench.add('fengari round trip', () => fcall('trip'));
  bench.add('fengari 1000-call loop', () => fcall('loop'));
  bench.add('fengari compile+run new chunk', () => {
    if (lauxlib.luaL_dostring(L, to_luastring(`return ${n++} + 1`)) !== 0) throw new Error('x');
    lua.lua_settop(L, 0);
  });

  await bench.run();
  console.table(bench.table());
}

await main();
