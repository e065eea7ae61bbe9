import { Injectable } from '@nestjs/common';

/** Injection token for the list of ReadinessCheck instances a service registered. */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

/** Set on SIGTERM so that readiness fails first and load balancers stop sending requests. */
@Injectable()
export class ShutdownState {
  stopping = false;
}
