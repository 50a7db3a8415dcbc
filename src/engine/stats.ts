// Counters behind INFO stats / commandstats and CONFIG RESETSTAT (engine worker).

export interface CommandStat {
  calls: number;
  usec: number;
  rejectedCalls: number;
  failedCalls: number;
}

export class Stats {
  totalConnectionsReceived = 0;
  totalCommandsProcessed = 0;
  expiredKeys = 0;
  keyspaceHits = 0;
  keyspaceMisses = 0;
  rejectedConnections = 0;
  totalErrorReplies = 0;
  readonly commands = new Map<string, CommandStat>();

  /** Records one executed command (name lower case, 'config|get' for subcommands). */
  recordCall(name: string, usec: number, failed: boolean): void {
    let s = this.commands.get(name);
    if (s === undefined) {
      s = { calls: 0, usec: 0, rejectedCalls: 0, failedCalls: 0 };
      this.commands.set(name, s);
    }
    s.calls++;
    s.usec += usec;
    if (failed) s.failedCalls++;
    this.totalCommandsProcessed++;
  }

  /** Records a command rejected before it ran (unknown, arity, NOAUTH...). */
  recordRejected(name: string): void {
    const s = this.commands.get(name);
    if (s !== undefined) s.rejectedCalls++;
    this.totalErrorReplies++;
  }

  reset(): void {
    this.totalConnectionsReceived = 0;
    this.totalCommandsProcessed = 0;
    this.expiredKeys = 0;
    this.keyspaceHits = 0;
    this.keyspaceMisses = 0;
    this.rejectedConnections = 0;
    this.totalErrorReplies = 0;
    this.commands.clear();
  }
}
