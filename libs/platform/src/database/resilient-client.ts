import { Client } from 'pg';

/**
 * The PostgreSQL client every pool uses (`extra: { Client: ResilientClient }`). node-postgres
 * emits 'error' on a client whose connection dies; TypeORM listens only while a query runner
 * holds the client and pg-pool only while it is idle, so a second error in between (the server's
 * FATAL message, then the socket closing) had no listener and killed the process. The query
 * that was running still fails, and the pool still discards the client.
 */
export class ResilientClient extends Client {
  constructor(...args: ConstructorParameters<typeof Client>) {
    super(...args);
    this.on('error', () => undefined);
  }
}
