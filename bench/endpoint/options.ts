// Command-line option parsers shared by the benchmarks (benchmark process).

import { InvalidArgumentError } from 'commander';

/** A positive integer option; `1_000_000` is accepted as written in the code. */
export function positiveInt(value: string): number {
  const n = Number(value.replaceAll('_', ''));
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

/** A whole number option, 0 included (e.g. a pause that may be off). */
export function nonNegativeInt(value: string): number {
  const n = Number(value.replaceAll('_', ''));
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number (0 or more)');
  return n;
}
