// allocShortLived (src/journal/wire/buffer-slab.ts): carved regions never overlap and are
// never handed out again, so a buffer keeps its bytes however many follow it; sizes the
// slab does not serve get buffers of their own.

import { expect, it } from 'vitest';
import { allocShortLived } from '../../../src/journal/wire/buffer-slab.js';

it('hands out disjoint, 8-byte aligned regions that keep their bytes across slabs', () => {
  const held: Buffer[] = [];
  for (let i = 0; i < 400; i++) {
    const b = allocShortLived(4000 + ((i * 37) % 3000));
    expect(b.byteLength).toBe(4000 + ((i * 37) % 3000));
    expect(b.byteOffset % 8).toBe(0);
    b.fill(i & 0xff);
    held.push(b);
  }
  // 400 buffers of 4-7 KB span several 256 KiB slabs; none was overwritten by a later one.
  held.forEach((b, i) => expect(b.every((v) => v === (i & 0xff)), `buffer ${i}`).toBe(true));
  for (let i = 0; i < held.length; i++) {
    for (let j = i + 1; j < held.length; j++) {
      const a = held[i]!;
      const c = held[j]!;
      if (a.buffer !== c.buffer) continue;
      const disjoint = a.byteOffset + a.byteLength <= c.byteOffset || c.byteOffset + c.byteLength <= a.byteOffset;
      expect(disjoint, `${i} and ${j}`).toBe(true);
    }
  }
});

it('leaves small sizes to Buffer.allocUnsafe and gives big ones a buffer of their own', () => {
  expect(allocShortLived(10).byteLength).toBe(10);
  const big = allocShortLived(200 * 1024);
  expect(big.byteLength).toBe(200 * 1024);
  expect(big.buffer.byteLength).toBe(200 * 1024);
});
