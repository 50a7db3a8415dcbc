// Free TCP ports for test servers (test process, main thread).
// The OS picks a free port when we bind port 0 on 127.0.0.1; we close the listener and
// hand the number to a child process. Another process may take it in between, so the
// starters in this folder retry on a bind failure. Never 6379: the OS does not hand out
// ports below the ephemeral range.

import net from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('freePort: listener has no TCP address'));
        return;
      }
      const port = address.port;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}
