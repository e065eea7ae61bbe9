import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { Gauge, register } from 'prom-client';
import { ReadinessCheck } from './readiness-check';
import { READINESS_CHECKS } from './tokens';

/** How long one dependency may take to answer before it counts as down. */
const CHECK_TIMEOUT_MS = 2_000;
/** Probes also run in the background, so that the gauges move without a caller. */
const BACKGROUND_PROBE_MS = 15_000;

export type DependencyStatus = 'up' | 'down';

/** What the last probe of one dependency found (the admin view shows all of it). */
export interface DependencyState {
  status: DependencyStatus;
  required: boolean;
  latencyMs: number;
  checkedAt: string;
  lastUpAt?: string;
  /** The driver's own words: for the log and the admin view only, never the public probe. */
  lastError?: { message: string; at: string };
}

const up = gauge(
  'health_dependency_up',
  'Whether each dependency answered its last health probe (1) or not (0); required ones make the pod unready',
  ['dependency', 'required'],
);
const latency = gauge(
  'health_dependency_latency_seconds',
  'Time the last health probe of each dependency took',
  ['dependency'],
);

/** Probes every registered dependency, remembers what it found, logs changes, sets the gauges. */
@Injectable()
export class DependencyHealth implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Health');
  private readonly states = new Map<string, DependencyState>();
  private timer: NodeJS.Timeout | undefined;

  constructor(@Inject(READINESS_CHECKS) readonly checks: ReadinessCheck[]) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.probeAll(), BACKGROUND_PROBE_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Probes every dependency at once; resolves with each one's state, by name. */
  async probeAll(): Promise<Record<string, DependencyState>> {
    await Promise.all(this.checks.map((check) => this.probe(check)));
    return Object.fromEntries(this.checks.map((check) => [check.name, this.stateOf(check)]));
  }

  private stateOf(check: ReadinessCheck): DependencyState {
    return this.states.get(check.name) as DependencyState;
  }

  private async probe(check: ReadinessCheck): Promise<void> {
    const started = performance.now();
    const previous = this.states.get(check.name);
    let error: unknown;
    try {
      await withTimeout(check.check(), CHECK_TIMEOUT_MS, `${check.name} did not answer`);
    } catch (raised) {
      error = raised ?? new Error('unknown error');
    }
    const latencyMs = Math.round(performance.now() - started);
    const now = new Date().toISOString();
    const state: DependencyState = {
      status: error === undefined ? 'up' : 'down',
      required: check.required,
      latencyMs,
      checkedAt: now,
      lastUpAt: error === undefined ? now : previous?.lastUpAt,
      lastError:
        error === undefined
          ? previous?.lastError
          : { message: error instanceof Error ? error.message : String(error), at: now },
    };
    this.states.set(check.name, state);
    up.set({ dependency: check.name, required: String(check.required) }, error ? 0 : 1);
    latency.set({ dependency: check.name }, latencyMs / 1000);
    if (state.status !== previous?.status) {
      const effect = check.required ? 'not ready' : 'degraded, still ready';
      if (state.status === 'down')
        this.logger.warn(`${check.name} is down (${effect}): ${state.lastError?.message}`);
      else if (previous) this.logger.log(`${check.name} is back up`);
    }
  }
}

function gauge<L extends string>(name: string, help: string, labelNames: L[]): Gauge<L> {
  // Several apps in one process (tests) share prom-client's registry: reuse what exists.
  return (
    (register.getSingleMetric(name) as Gauge<L> | undefined) ??
    new Gauge({ name, help, labelNames })
  );
}

export function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
