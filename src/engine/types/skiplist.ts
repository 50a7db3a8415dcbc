// The "skiplist" encoding's name for what the sorted-set code uses (engine worker):
// Redis 7.0 calls a large sorted set's encoding "skiplist" (OBJECT ENCODING says so, and
// so does KeelDB), but KeelDB keeps it as a B+tree with subtree counts, ZTree
// (src/engine/types/ztree.ts), whose API is the one the skiplist had. Modules outside
// the sorted-set files (SORT, GEO, RESTORE) import these names from here.

export { NIL, type NodeRange, type ZNodes } from './znodes.js';
export { ZTree as ZSkiplist } from './ztree.js';
