/**
 * A dependency that health reports (database, Redis, Kafka...). `check` resolves when the
 * dependency answers and rejects, quickly, when it does not.
 *
 * `required`: the pod cannot serve requests without it (its database; a JWKS key set loaded
 * once, when one is configured): a failing required check makes `/health/ready` 503 and takes the
 * pod out of rotation. Any other failing check is reported as degraded in the body of
 * `/health/ready`, on `/health/details` and in the `health_dependency_up` gauge, and the pod
 * stays ready (the outbox keeps writes while Kafka is down, the rate limit fails open).
 *
 * `details`: figures for the admin view (backlog, lag...), never shown on the public probe.
 * Register an implementation with `PlatformModule.forRoot({ readiness: [...] })` or a plugin.
 */
export abstract class ReadinessCheck {
  abstract readonly name: string;
  readonly required: boolean = false;
  abstract check(): Promise<void>;
  details?(): Promise<Record<string, unknown>>;
}
