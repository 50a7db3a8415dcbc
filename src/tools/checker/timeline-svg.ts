// An SVG timeline of one key's history (test tooling, harness process), as Porcupine
// and Knossos draw them: one row per client process, each operation a bar from its
// call to its return labelled with what it did; an indeterminate operation's bar runs
// to the right edge, dashed; the operation the search could not get past is red, the
// operations it had linearized at its deepest point are numbered in that order.
//
// Invariants: the output is a standalone SVG document; every text is XML-escaped.

import type { Operation } from './history.js';
import type { Model } from './model.js';

export interface TimelineOptions {
  readonly title: string;
  /** The operation to highlight (the checker's stuckAt). */
  readonly stuckId?: number;
  /** Operation ids in the order the search linearized them. */
  readonly linearizedIds?: readonly number[];
  /** Fault windows to shade, in the same time unit as the operations. */
  readonly faults?: readonly { startMs: number; endMs: number; label: string }[];
}

const rowPx = 28;
const leftPx = 90;
const widthPx = 1100;
const topPx = 50;

export function timelineSvg<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[], options: TimelineOptions): string {
  const clients = [...new Set(ops.map((o) => o.client))].sort((a, b) => a - b);
  const row = new Map(clients.map((c, i) => [c, i]));
  const t0 = Math.min(...ops.map((o) => o.callMs));
  const finite = ops.flatMap((o) => (o.returnMs === undefined ? [o.callMs] : [o.returnMs]));
  const t1 = Math.max(...finite, t0 + 1);
  const span = (t1 - t0) * 1.08;
  const x = (t: number): number => leftPx + ((t - t0) / span) * (widthPx - leftPx - 10);
  const heightPx = topPx + clients.length * rowPx + 40;
  const order = new Map((options.linearizedIds ?? []).map((id, i) => [id, i + 1]));
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${widthPx}" height="${heightPx}" font-family="monospace" font-size="11">`);
  parts.push(`<rect width="100%" height="100%" fill="white"/>`);
  parts.push(`<text x="10" y="20" font-size="14">${esc(options.title)}</text>`);
  parts.push(`<text x="10" y="38" fill="#555">${ops.length} operations, ${(t1 - t0).toFixed(1)} ms from ${t0.toFixed(1)} ms; red: not linearizable here; dashed: indeterminate; #n: linearization order reached</text>`);
  for (const f of options.faults ?? []) {
    const a = Math.max(x(f.startMs), leftPx);
    const b = Math.min(x(Number.isFinite(f.endMs) ? f.endMs : t1), widthPx - 10);
    if (b <= leftPx || a >= widthPx - 10) continue;
    parts.push(`<rect x="${a.toFixed(1)}" y="${topPx - 6}" width="${Math.max(b - a, 1).toFixed(1)}" height="${clients.length * rowPx + 6}" fill="#fde8c8"><title>${esc(f.label)}</title></rect>`);
  }
  clients.forEach((c, i) => {
    parts.push(`<text x="10" y="${topPx + i * rowPx + 15}">process ${c}</text>`);
  });
  for (const op of ops) {
    const y = topPx + row.get(op.client)! * rowPx;
    const a = x(op.callMs);
    const b = op.returnMs === undefined ? widthPx - 10 : Math.max(x(op.returnMs), a + 2);
    const stuck = op.id === options.stuckId;
    const fill = stuck ? '#f4a0a0' : op.returnMs === undefined ? '#eeeeee' : '#cfe2f7';
    const dash = op.returnMs === undefined ? ' stroke-dasharray="4 3"' : '';
    const n = order.get(op.id);
    const label = `${n === undefined ? '' : `#${n} `}${model.describe(op.input, op.returnMs === undefined ? undefined : op.output)}`;
    const tip = `${label} [${op.callMs.toFixed(2)}, ${op.returnMs === undefined ? '?' : op.returnMs.toFixed(2)}] ms, op ${op.id}`;
    parts.push(`<g><title>${esc(tip)}</title><rect x="${a.toFixed(1)}" y="${y}" width="${(b - a).toFixed(1)}" height="${rowPx - 6}" fill="${fill}" stroke="${stuck ? '#c00' : '#347'}"${dash}/>`);
    parts.push(`<text x="${(a + 3).toFixed(1)}" y="${y + 15}">${esc(label)}</text></g>`);
  }
  parts.push('</svg>');
  return parts.join('\n');
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
