// The libraries Redis 7.0 preloads into every script's Lua state besides `redis` and
// `bit` (engine worker thread): cjson, cmsgpack and struct, each in its own file,
// and Lua 5.1's own library surface where fengari's 5.3 differs (lua51-libs.ts),
// installed as globals (lua-readonly.ts then makes them read-only with every other
// global). lua-vm.ts calls installRedisLuaLibs once per new state (EVAL's and the
// functions'), so each state has its own cjson settings.

import type { LuaState } from 'fengari';
import { installCjson } from './lua-cjson.js';
import { installCmsgpack } from './lua-cmsgpack.js';
import { installStruct } from './lua-struct.js';
import { installStringFormat51, installTostring51 } from './lua-number-format.js';
import { installLua51Libs } from './lua51-libs.js';

export function installRedisLuaLibs(L: LuaState): void {
  installCjson(L);
  installCmsgpack(L);
  installStruct(L);
  installTostring51(L);
  installStringFormat51(L);
  installLua51Libs(L);
}
