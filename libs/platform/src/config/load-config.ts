import { applyDecorators } from '@nestjs/common';
import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, validateSync, ValidationError } from 'class-validator';

/** Thrown at start-up when the environment is missing or invalid; names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Constructor<T> = new () => T;

/**
 * Reads environment variables into a class whose properties carry class-validator rules
 * (property name = variable name). Fails fast, listing every missing or invalid variable.
 */
export function loadConfig<T extends object>(
  schema: Constructor<T>,
  env: NodeJS.ProcessEnv = process.env,
): T {
  // An empty variable counts as unset, so that its default (or "missing") applies.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const config = plainToInstance(schema, present, {
    enableImplicitConversion: true,
    exposeDefaultValues: true,
  });
  // whitelist drops every variable the schema does not declare.
  const errors = validateSync(config, { whitelist: true });
  if (errors.length > 0)
    throw new ConfigError(errors.map((error) => describeError(error, present)));
  return config;
}

function describeError(error: ValidationError, env: NodeJS.ProcessEnv): string {
  const reasons = Object.values(error.constraints ?? {}).join('; ');
  const raw = env[error.property];
  const shown = raw === undefined ? 'missing' : `got ${JSON.stringify(raw)}`;
  return `${error.property}: ${reasons} (${shown})`;
}

/** A boolean variable: only "true" or "false" (implicit conversion would take "false" as true). */
export function IsEnvBoolean(): PropertyDecorator {
  return applyDecorators(
    Transform(({ obj, key }) => {
      const raw: unknown = obj[key];
      if (raw === 'true' || raw === true) return true;
      if (raw === 'false' || raw === false) return false;
      return raw;
    }),
    IsBoolean({ message: ({ property }) => `${property} must be true or false` }),
  );
}
