import { IsInt, IsString, Min } from 'class-validator';
import { ConfigError, IsEnvBoolean, loadConfig } from './load-config';

class ExampleEnv {
  @IsString()
  DATABASE_URL: string;

  @IsInt()
  @Min(1)
  WORKERS: number = 2;

  @IsEnvBoolean()
  FEATURE = true;
}

describe('loadConfig', () => {
  it('reads, converts and defaults variables, ignoring undeclared ones', () => {
    const config = loadConfig(ExampleEnv, {
      DATABASE_URL: 'postgres://x',
      WORKERS: '4',
      OTHER: 'y',
    });
    expect(config).toEqual(
      Object.assign(new ExampleEnv(), { DATABASE_URL: 'postgres://x', WORKERS: 4, FEATURE: true }),
    );
  });

  it.each([
    ['false', false],
    ['true', true],
  ])('reads the boolean "%s" as %s', (raw, expected) => {
    expect(loadConfig(ExampleEnv, { DATABASE_URL: 'x', FEATURE: raw }).FEATURE).toBe(expected);
  });

  it('names every missing or invalid variable with what it got', () => {
    const failure = (() => {
      try {
        loadConfig(ExampleEnv, { WORKERS: 'zero', FEATURE: 'yes', DATABASE_URL: '' });
      } catch (error) {
        return error as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(failure).toBeInstanceOf(ConfigError);
    expect(failure.problems).toEqual([
      expect.stringMatching(/^DATABASE_URL: .* \(missing\)$/),
      expect.stringMatching(/^WORKERS: .*integer.* \(got "zero"\)$/),
      'FEATURE: FEATURE must be true or false (got "yes")',
    ]);
  });
});
