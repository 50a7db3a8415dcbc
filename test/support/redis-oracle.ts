// The oracle: Debian's real redis-server as a child process (test process, main thread).
// Started in its own temp dir with persistence off and DEBUG allowed from localhost, bound to 127.0.0.1 on a free port,
// ready once it answers PING; stop() kills it and removes the dir. Whether redis-server
// exists at all is decided in oracle-guard.ts, not here.

import { startChildServer, type ServerHandle } from './child-server.js';

export interface RedisOptions {
  requirepass?: string;
}

export function startRedis(options: RedisOptions = {}): Promise<ServerHandle> {
  return startChildServer({
    kind: 'redis',
    command: 'redis-server',
    args: (port, dir) => [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--save', '',
      '--appendonly', 'no',
      '--daemonize', 'no',
      '--dir', dir,
      '--logfile', '',
      // KeelDB implements DEBUG SLEEP; Redis 7 refuses DEBUG unless this allows it.
      '--enable-debug-command', 'local',
      ...(options.requirepass !== undefined ? ['--requirepass', options.requirepass] : []),
    ],
  });
}
