#!/usr/bin/env node
/**
 * Command-line entry: reads an instance as JSON (file argument or stdin) and writes the result
 * as JSON to stdout (or --out FILE). See the README for the format.
 *
 *   node -r @swc-node/register libs/matching-engine/src/cli.ts instance.json [--by-academy] [--out result.json]
 *   node -r @swc-node/register libs/matching-engine/src/cli.ts meetup.json --rotations
 *
 * Exit codes: 0 solved, 2 invalid input (the message names the field), 1 other error.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { InvalidInstanceError } from './validate';
import { solveByAcademy, solveMatching } from './solve';
import { buildRotations } from './rotations';

function main(argv: string[]): number {
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  const outIndex = argv.indexOf('--out');
  const out = outIndex >= 0 ? argv[outIndex + 1] : undefined;
  const file = argv.find((a, i) => !a.startsWith('--') && argv[i - 1] !== '--out');
  const text = readFileSync(file ?? 0, 'utf8');
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (e) {
    process.stderr.write(`invalid JSON: ${(e as Error).message}\n`);
    return 2;
  }
  const started = performance.now();
  let result: unknown;
  try {
    if (flags.has('--rotations')) {
      result = buildRotations(input as Parameters<typeof buildRotations>[0]);
    } else if (flags.has('--by-academy')) {
      const parts = solveByAcademy(input as Parameters<typeof solveByAcademy>[0]);
      result = {
        academies: parts.map((p) => ({ academy: p.academy, ...p.result })),
        totals: {
          placed: parts.reduce((n, p) => n + p.result.counts.placed, 0),
          unplaced: parts.reduce((n, p) => n + p.result.counts.unplaced, 0),
          timeMs: performance.now() - started,
        },
      };
    } else {
      result = solveMatching(input as Parameters<typeof solveMatching>[0]);
    }
  } catch (e) {
    if (e instanceof InvalidInstanceError || e instanceof RangeError) {
      process.stderr.write(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const json = JSON.stringify(result, null, 2);
  if (out) writeFileSync(out, json + '\n');
  else process.stdout.write(json + '\n');
  return 0;
}

process.exitCode = main(process.argv.slice(2));
