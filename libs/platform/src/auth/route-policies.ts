import { Injectable, OnApplicationBootstrap, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ApplicationConfig, DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { RoutePathFactory } from '@nestjs/core/router/route-path-factory';
import { IS_PUBLIC } from './public.decorator';
import { REQUIRED_ROLES } from './roles';

// A route handler or a controller class, where decorators put their metadata.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type Target = Function;

/** A route of the app, as its policy error names it: `GET /api/v1/schools (SchoolsController.list)`. */
export interface RouteOfApp {
  method: string;
  path: string;
  handler: string;
}

/** The app declares routes that nobody decided who may call. */
export class RoutePolicyError extends Error {
  constructor(readonly routes: RouteOfApp[]) {
    super(
      `Every route must declare who may call it (@Public(), @Roles(...) with at least one role, ` +
        `or a signed link), on its method or its controller. Without a policy:\n` +
        routes.map((r) => `  - ${r.method} ${r.path} (${r.handler})`).join('\n'),
    );
    this.name = 'RoutePolicyError';
  }
}

/**
 * Refuses to start an app with a route that declares no policy, so that an endpoint cannot be
 * opened to every token holder by forgetting a decorator.
 */
@Injectable()
export class RoutePolicyCheck implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly config: ApplicationConfig,
  ) {}

  onApplicationBootstrap(): void {
    const unguarded = this.routes().filter((route) => !this.hasPolicy(route.targets));
    if (unguarded.length > 0) throw new RoutePolicyError(unguarded.map((r) => r.route));
  }

  /** Every HTTP route of every controller, with its full path (global prefix included). */
  private routes(): { route: RouteOfApp; targets: Target[] }[] {
    const paths = new RoutePathFactory(this.config);
    return this.discovery.getControllers().flatMap(({ metatype, instance }) => {
      if (!metatype || !instance) return [];
      const prototype = Object.getPrototypeOf(instance) as Record<string, Target>;
      const controllerPath = this.reflector.get<string | string[]>(PATH_METADATA, metatype);
      return this.scanner.getAllMethodNames(prototype).flatMap((name) => {
        const handler = prototype[name];
        const methodPath = this.reflector.get<string | string[] | undefined>(
          PATH_METADATA,
          handler,
        );
        const method = this.reflector.get<RequestMethod | undefined>(METHOD_METADATA, handler);
        if (methodPath === undefined || method === undefined) return [];
        const fullPaths = [controllerPath]
          .flat()
          .flatMap((ctrlPath) =>
            [methodPath]
              .flat()
              .flatMap((path) =>
                paths.create(
                  { ctrlPath, methodPath: path, globalPrefix: this.config.getGlobalPrefix() },
                  method,
                ),
              ),
          );
        return fullPaths.map((path) => ({
          route: { method: RequestMethod[method], path, handler: `${metatype.name}.${name}` },
          targets: [handler, metatype as Target],
        }));
      });
    });
  }

  private hasPolicy(targets: Target[]): boolean {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) === true) return true;
    const roles = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_ROLES, targets);
    // A route opened by a link counts through @OpenedByLink's own @Public() (with its LinkGuard):
    // the link's metadata alone, without the guard, would open the route to any token.
    return roles !== undefined && roles.length > 0;
  }
}
