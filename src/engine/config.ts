// CONFIG GET/SET parameters KeelDB has (engine worker). Skeleton: the server-commands
// module fills in the parameter table.

export interface ConfigInit {
  port: number;
  bind: string;
  requirepass?: string;
}

export class Config {
  port: number;
  bind: string;
  requirepass: string;

  constructor(init: ConfigInit) {
    this.port = init.port;
    this.bind = init.bind;
    this.requirepass = init.requirepass ?? '';
  }
}
