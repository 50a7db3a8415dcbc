// The log-node's --peers convention: explicit id=host:port, or host:port in id order
// skipping the node's own id; mistakes are clear errors at start, never a guess.

import { expect, it } from 'vitest';
import { parsePeers } from '../../../src/journal/node/log-node-main.js';

it('maps explicit and positional peers to node ids', () => {
  expect(parsePeers(1, ['2=10.0.0.2:7002', '3=10.0.0.3:7003'])).toEqual([
    { id: 2, host: '10.0.0.2', port: 7002 },
    { id: 3, host: '10.0.0.3', port: 7003 },
  ]);
  expect(parsePeers(2, ['a:7001', 'c:7003'])).toEqual([
    { id: 1, host: 'a', port: 7001 },
    { id: 3, host: 'c', port: 7003 },
  ]);
  expect(parsePeers(3, ['a:7001', 'b:7002']).map((p) => p.id)).toEqual([1, 2]);
});

it('refuses mixed forms, its own id, duplicates and bad addresses', () => {
  expect(() => parsePeers(1, ['2=a:1', 'b:2'])).toThrow(/either id=host:port/);
  expect(() => parsePeers(1, ['1=a:1'])).toThrow(/own id 1/);
  expect(() => parsePeers(1, ['2=a:1', '2=b:2'])).toThrow(/listed twice/);
  expect(() => parsePeers(1, ['2=a:0'])).toThrow(/not host:port/);
});
