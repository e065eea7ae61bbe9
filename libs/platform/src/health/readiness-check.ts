/**
 * A dependency that `/health/ready` checks (database, Kafka, Redis...).
 * `check` resolves when the dependency answers and rejects, quickly, when it does not.
 * Register an implementation with `PlatformModule.forRoot({ readiness: [...] })`.
 */
export abstract class ReadinessCheck {
  abstract readonly name: string;
  abstract check(): Promise<void>;
}
