/** SQLSTATEs of failures that are not the request's or the event's fault: retrying later may work. */
const TRANSIENT_SQLSTATES = new Set([
  '57P01', // admin_shutdown: connection terminated by the server
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: server starting or shutting down
  '53300', // too_many_connections
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);
const TRANSIENT_SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/**
 * Whether an error (TypeORM's, node-postgres's or the socket's) means the database could not
 * do the work right now — connection lost or refused, server restarting, conflict — rather
 * than that the work is wrong: HTTP answers 503, the event consumer retries in place.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  const { cause, code } = causeOf(error);
  if (code !== undefined)
    return (
      code.startsWith('08') || TRANSIENT_SQLSTATES.has(code) || TRANSIENT_SOCKET_ERRORS.has(code)
    );
  // Without a code: node-postgres's connection closed under a query, client left unusable by
  // that, or pool checkout timeout; TypeORM's transaction whose connection was released after one.
  return (
    cause instanceof Error &&
    (/Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect/.test(
      cause.message,
    ) ||
      cause.name === 'QueryRunnerAlreadyReleasedError' ||
      cause.name === 'QueryRunnerProviderAlreadyReleasedError')
  );
}

/** SQLSTATE classes of errors caused by the values written: data exception, integrity constraint, program limit (e.g. an index row too big). */
const DATA_ERROR_CLASSES = new Set(['22', '23', '54']);

/**
 * Whether an error means the database refused these very values (a NUL byte, a violated
 * constraint, a key too long to index): the same work fails the same way every time. Anything
 * else — a lost connection, a missing table after a forgotten migration — is not the data's fault.
 */
export function isDataDatabaseError(error: unknown): boolean {
  const { code } = causeOf(error);
  return code !== undefined && DATA_ERROR_CLASSES.has(code.slice(0, 2));
}

/** The driver's error under TypeORM's wrapper, and its code (SQLSTATE or socket error), if any. */
function causeOf(error: unknown): { cause: unknown; code: string | undefined } {
  const cause = (error as { driverError?: unknown } | undefined)?.driverError ?? error;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return { cause, code: typeof code === 'string' ? code : undefined };
}
