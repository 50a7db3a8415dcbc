// One workload client's connection and the meaning of each outcome (main thread of the
// torture harness). Every call is classified, as Jepsen does:
//
//   ok    the server answered: the operation happened, with this reply
//   fail  the operation certainly did not happen: the connection could not be opened
//         or the command was never sent, or the server refused it before executing it
//         (-LOADING, and any error inside MULTI before EXEC was sent)
//   info  indeterminate: sent but no answer (timeout, reset, close), or an answer that
//         says the outcome is unknown (-ERR write not confirmed durable), or any error
//         we cannot prove harmless. It may take effect at any later time, or never.
//
// A client whose operation is indeterminate takes a new process id (that operation
// stays pending forever, and a process runs one operation at a time) and a new
// connection.
//
// Invariants: one call at a time; the process id changes after every `info`.

import { ConnectionLost, type Reply, RespClient, RespError } from './resp-client.js';

export type Outcome =
  | { readonly kind: 'ok'; readonly reply: Reply; readonly callMs: number; readonly returnMs: number }
  | { readonly kind: 'fail'; readonly callMs: number; readonly error: string }
  | { readonly kind: 'info'; readonly callMs: number; readonly error: string };

/** Error replies that prove the command did not execute. */
function refusedBeforeExecution(text: string): boolean {
  return text.startsWith('LOADING') || text.startsWith('EXECABORT');
}

export class Invoker {
  private client: RespClient | null = null;
  private process: number;

  constructor(
    private readonly port: number,
    private readonly timeoutMs: number,
    private readonly now: () => number,
    private readonly newProcessId: () => number,
    /** Counts error texts for the summary. */
    private readonly noteError: (text: string) => void,
  ) {
    this.process = newProcessId();
  }

  get processId(): number {
    return this.process;
  }

  /** One command; the outcome says whether it happened. */
  async call(args: readonly string[]): Promise<Outcome> {
    return this.transaction([args], false);
  }

  /**
   * MULTI, the commands, EXEC (when `multi`), or a single command. Only the last
   * command's reply is returned (EXEC's array for a transaction).
   */
  async transaction(commands: readonly (readonly string[])[], multi = true): Promise<Outcome> {
    const callMs = this.now();
    const client = await this.connection();
    if (client === null) return { kind: 'fail', callMs, error: 'connect failed' };
    const all = multi ? [['MULTI'], ...commands, ['EXEC']] : commands;
    for (let i = 0; i < all.length; i++) {
      const isLast = i === all.length - 1;
      let reply: Reply;
      try {
        reply = await client.call(all[i]!, this.timeoutMs);
      } catch (err) {
        this.drop();
        const lost = err as ConnectionLost;
        this.noteError(lost.message.replace(/\d+/g, 'N'));
        // Before EXEC is sent, nothing of a transaction has executed.
        if (!isLast || lost.notSent) return { kind: 'fail', callMs, error: lost.message };
        this.process = this.newProcessId();
        return { kind: 'info', callMs, error: lost.message };
      }
      if (reply instanceof RespError) {
        this.noteError(reply.text.split(' ').slice(0, 6).join(' '));
        if (!isLast || refusedBeforeExecution(reply.text)) {
          if (!isLast) this.drop(); // leave no half-open MULTI behind
          return { kind: 'fail', callMs, error: reply.text };
        }
        this.process = this.newProcessId();
        return { kind: 'info', callMs, error: reply.text };
      }
      if (isLast) return { kind: 'ok', reply, callMs, returnMs: this.now() };
    }
    throw new Error('unreachable: a transaction has a last command');
  }

  close(): void {
    this.drop();
  }

  private drop(): void {
    this.client?.close();
    this.client = null;
  }

  private async connection(): Promise<RespClient | null> {
    if (this.client !== null && !this.client.broken) return this.client;
    this.client = null;
    try {
      this.client = await RespClient.connect(this.port, this.timeoutMs);
      return this.client;
    } catch (err) {
      this.noteError((err as Error).message.replace(/\d+/g, 'N'));
      return null;
    }
  }
}
