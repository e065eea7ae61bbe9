import { Controller, Get, HttpStatus, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { Public } from '../auth/public.decorator';
import { ProblemException } from '../http/problem';
import { ReadinessCheck } from './readiness-check';
import { READINESS_CHECKS, ShutdownState } from './tokens';

/** How long one dependency may take to answer before it counts as down. */
const CHECK_TIMEOUT_MS = 2_000;

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
    private readonly shutdown: ShutdownState,
  ) {}

  /** The process answers; never looks at dependencies, so a broken database never restarts pods. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Every dependency the service uses answers; 503 naming those that do not. */
  @Get('ready')
  @HealthCheck()
  async ready() {
    if (this.shutdown.stopping) {
      throw new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, 'Not ready: shutting down');
    }
    try {
      return await this.health.check(this.checks.map((dependency) => () => this.probe(dependency)));
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const { error: down = {}, details } = error.getResponse() as HealthCheckResult;
      throw new ProblemException(
        HttpStatus.SERVICE_UNAVAILABLE,
        `Not ready: ${Object.keys(down).join(', ')} down`,
        { checks: details },
      );
    }
  }

  private async probe(dependency: ReadinessCheck) {
    const indicator = this.indicators.check(dependency.name);
    try {
      await withTimeout(dependency.check(), CHECK_TIMEOUT_MS, `${dependency.name} did not answer`);
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
