// Node's Buffer has latin1Write/latin1Slice (used by buffer.write/toString internally);
// they skip the encoding switch and argument normalisation on the hot reply path.
// Present in every Node >= 12; test/engine/reply.test.ts exercises them.
declare global {
  interface Buffer {
    latin1Write(s: string, offset?: number, length?: number): number;
    latin1Slice(start?: number, end?: number): string;
  }
}
export {};
