// The journal's connection handshake (src/journal/wire): mutual proof of the cluster
// secret with HMAC-SHA256 over fresh nonces, before any other frame. The secret never
// crosses the wire; each side's MAC covers both nonces, so a recorded handshake cannot
// be replayed. Runs in the log-node process and journal clients (main thread).
//
//   server -> hello  { version, nonceS }
//   client -> auth   { version, role, nodeId, nonceC, mac = HMAC(secret, "keeldb-journal-auth" | nonceS | nonceC | role | nodeId) }
//   server -> authOk { mac = HMAC(secret, "keeldb-journal-server" | nonceC | nonceS | role | nodeId) }

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { handshakeNonceBytes } from './codec.js';

export function newNonce(): Buffer {
  return randomBytes(handshakeNonceBytes);
}

function mac(secret: string, label: string, first: Uint8Array, second: Uint8Array, role: number, nodeId: number): Buffer {
  const tail = Buffer.alloc(5);
  tail.writeUInt8(role, 0);
  tail.writeUInt32LE(nodeId, 1);
  return createHmac('sha256', secret).update(label).update(first).update(second).update(tail).digest();
}

export function clientMac(secret: string, serverNonce: Uint8Array, clientNonce: Uint8Array, role: number, nodeId: number): Buffer {
  return mac(secret, 'keeldb-journal-auth', serverNonce, clientNonce, role, nodeId);
}

export function serverMac(secret: string, serverNonce: Uint8Array, clientNonce: Uint8Array, role: number, nodeId: number): Buffer {
  return mac(secret, 'keeldb-journal-server', clientNonce, serverNonce, role, nodeId);
}

export function macEquals(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && timingSafeEqual(a, b);
}
