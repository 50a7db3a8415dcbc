// The node vocabulary shared by a sorted set's two structures (engine worker): ZListpack
// (src/engine/types/zlistpack.ts) and ZTree (src/engine/types/ztree.ts) both name their
// elements by number ids and answer range questions through a NodeRange, so the commands
// (src/engine/commands/zsets.ts) walk either one the same way.

/** "No element": what first/next/idOf/... return past the end or when absent. */
export const NIL = -1;

/** Read access to elements by id (ZTree and ZListpack both provide it). */
export interface ZNodes {
  scoreOf(id: number): number;
  memberOf(id: number): string;
}

/** A predicate pair describing a range over elements (score or lex), as zrangespec/zlexrangespec. */
export interface NodeRange {
  /** True when the range is empty whatever the content (min > max...). */
  readonly empty: boolean;
  /** Monotone in (score, member) order: false then true. */
  gteMin(nodes: ZNodes, id: number): boolean;
  /** Monotone in (score, member) order: true then false. */
  lteMax(nodes: ZNodes, id: number): boolean;
}
