import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { Observable } from 'rxjs';
import type { Caller } from '../auth/roles';
import { runInWorkContext } from './request-context';

/**
 * Runs every authenticated request's handler (pipes, use case, queries) in a work context that
 * names its caller and origin. Guards run before interceptors, so the caller is known here.
 */
@Injectable()
export class WorkContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context
      .switchToHttp()
      .getRequest<Request & { caller?: Caller; id?: unknown }>();
    const caller = request.caller;
    if (!caller) return next.handle();
    const origin = {
      requestId: typeof request.id === 'string' ? request.id : undefined,
      ip: request.ip,
      userAgent: request.headers['user-agent'],
    };
    return new Observable((subscriber) =>
      runInWorkContext({ caller, origin }, () => next.handle().subscribe(subscriber)),
    );
  }
}
