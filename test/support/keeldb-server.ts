// Starts the built KeelDB server (dist/) as a child process on a free port (test process,
// main thread): `node bin/keeldb.js server --port P --bind 127.0.0.1 --journal none`.
// Ready once it answers PING. Tests run against the build, so `npm test` builds first;
// a missing dist/ fails here with the command that fixes it, not with a timeout.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChildServer, type ServerHandle } from './child-server.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const binPath = path.join(repoRoot, 'bin', 'keeldb.js');
const serverJsPath = path.join(repoRoot, 'dist', 'src', 'main', 'server.js');

export interface KeelDbOptions {
  requirepass?: string;
}

export function startKeelDb(options: KeelDbOptions = {}): Promise<ServerHandle> {
  if (!fs.existsSync(serverJsPath)) {
    throw new Error(`KeelDB is not built: ${serverJsPath} is missing. Run \`npm run build\` first.`);
  }
  return startChildServer({
    kind: 'keeldb',
    command: process.execPath,
    args: (port) => [
      binPath, 'server',
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--journal', 'none',
      ...(options.requirepass !== undefined ? ['--requirepass', options.requirepass] : []),
    ],
  });
}
