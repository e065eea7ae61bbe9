import { Controller, Get, HttpStatus, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { IS_PUBLIC, Public } from '../auth/public.decorator';
import { Roles } from '../auth/roles';
import { ProblemException } from '../http/problem';
import {
  DependencyHealth,
  DependencyState,
  DependencyStatus,
  withTimeout,
} from './dependency-health';
import { ShutdownState } from './tokens';

const DETAILS_TIMEOUT_MS = 2_000;

/** The public probe's view of the dependencies: names and states, nothing a driver said. */
type PublicChecks = Record<string, { status: DependencyStatus }>;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: DependencyHealth,
    private readonly shutdown: ShutdownState,
  ) {}

  /** The process answers; never looks at dependencies, so a broken database never restarts pods. */
  @Public()
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * 200 while the pod can serve requests (every required dependency up: its database),
   * `degraded` naming the other dependencies that are down; 503 naming the required ones down.
   */
  @Public()
  @Get('ready')
  async ready(): Promise<{ status: 'ok' | 'degraded'; checks: PublicChecks }> {
    if (this.shutdown.stopping) {
      throw new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, 'Not ready: shutting down');
    }
    const states = await this.health.probeAll();
    const checks: PublicChecks = Object.fromEntries(
      Object.entries(states).map(([name, { status }]) => [name, { status }]),
    );
    const down = (required: boolean) =>
      Object.entries(states)
        .filter(([, state]) => state.status === 'down' && state.required === required)
        .map(([name]) => name);
    if (down(true).length > 0) {
      throw new ProblemException(
        HttpStatus.SERVICE_UNAVAILABLE,
        `Not ready: ${down(true).join(', ')} down`,
        { checks },
      );
    }
    return { status: down(false).length > 0 ? 'degraded' : 'ok', checks };
  }

  /** Admins: every dependency with its latency, last error and own figures (backlog, lag...). */
  @SetMetadata(IS_PUBLIC, false)
  @ApiBearerAuth()
  @Roles('admin')
  @Get('details')
  async details(): Promise<{
    status: 'ok' | 'degraded' | 'unavailable';
    checks: Record<string, DependencyState & Record<string, unknown>>;
  }> {
    const states = await this.health.probeAll();
    const checks = Object.fromEntries(
      await Promise.all(
        this.health.checks.map(async (check) => {
          let figures: Record<string, unknown> = {};
          try {
            figures = check.details
              ? await withTimeout(check.details(), DETAILS_TIMEOUT_MS, `${check.name} details`)
              : {};
          } catch (error) {
            figures = { detailsError: (error as Error).message };
          }
          return [check.name, { ...states[check.name], ...figures }] as const;
        }),
      ),
    );
    const all = Object.values(states);
    const status = all.some((state) => state.required && state.status === 'down')
      ? 'unavailable'
      : all.some((state) => state.status === 'down')
        ? 'degraded'
        : 'ok';
    return { status, checks };
  }
}
