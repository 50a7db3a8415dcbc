// A sequential specification for the linearizability checker: the state an object
// starts in and what one operation does to it. `step` returns undefined when the
// output cannot follow from `state` (the operation cannot be linearized there).
// `output === undefined` means the output was not observed (indeterminate op), so
// any output is acceptable and only the state change matters.

export interface Model<S, I, O> {
  readonly name: string;
  init(): S;
  step(state: S, input: I, output: O | undefined): S | undefined;
  /** A string that is equal for equal states (memoisation key). */
  key(state: S): string;
  describe(input: I, output: O | undefined): string;
}

/** The register workload's inputs: GET, SET v, INCR (outputs are strings, nil as null). */
export type RegisterInput = { op: 'get' } | { op: 'set'; value: string } | { op: 'incr' };
export type RegisterOutput = string | null;

/**
 * A Redis string key used as a register and a counter. INCR on a missing key starts
 * from 0; the harness only INCRs keys it keeps integral, so a non-integer state makes
 * INCR impossible here (it would have answered an error, which the harness records as
 * a failed, not indeterminate, operation and drops).
 */
export const registerModel: Model<string | null, RegisterInput, RegisterOutput> = {
  name: 'register',
  init: () => null,
  step(state, input, output) {
    switch (input.op) {
      case 'get':
        if (output === undefined) return state;
        return output === state ? state : undefined;
      case 'set':
        return input.value;
      case 'incr': {
        const current = state === null ? 0n : /^-?\d+$/.test(state) ? BigInt(state) : undefined;
        if (current === undefined) return undefined;
        const next = String(current + 1n);
        if (output !== undefined && output !== next) return undefined;
        return next;
      }
    }
  },
  key: (state) => (state === null ? '\u0000nil' : state),
  describe(input, output) {
    const out = output === undefined ? '?' : output === null ? 'nil' : output;
    if (input.op === 'set') return `SET ${input.value}`;
    return `${input.op.toUpperCase()} -> ${out}`;
  },
};

/** A set workload: SADD v (output ignored), SMEMBERS -> sorted members. */
export type SetInput = { op: 'add'; value: string } | { op: 'read' };
export type SetOutput = readonly string[];

export const setModel: Model<readonly string[], SetInput, SetOutput> = {
  name: 'set',
  init: () => [],
  step(state, input, output) {
    if (input.op === 'add') {
      if (state.includes(input.value)) return state;
      return [...state, input.value].sort();
    }
    if (output === undefined) return state;
    const sorted = [...output].sort();
    if (sorted.length !== state.length) return undefined;
    for (let i = 0; i < sorted.length; i++) if (sorted[i] !== state[i]) return undefined;
    return state;
  },
  key: (state) => state.join('\u0000'),
  describe(input, output) {
    if (input.op === 'add') return `SADD ${input.value}`;
    return `SMEMBERS -> ${output === undefined ? '?' : `[${output.join(',')}]`}`;
  },
};
