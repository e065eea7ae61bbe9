import nx from '@nx/eslint-plugin';

// Framework, database and Kafka packages that the pure libraries must never import.
const infrastructurePackages = [
  '@nestjs/*',
  'typeorm',
  'pg',
  'kafkajs',
  'ioredis',
  'express',
  'nestjs-pino',
  'pino',
  'prom-client',
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/tmp', '**/.nx', '**/.infra', '**/coverage'] },
  {
    files: ['**/*.ts'],
    rules: {
      // A leading underscore marks a value left out on purpose (e.g. when destructuring).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // Decorated properties need their type written out: decorator metadata reads it.
      '@typescript-eslint/no-inferrable-types': ['error', { ignoreProperties: true }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // Layers: an app uses libraries, never another app.
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: [
                'type:platform',
                'type:messaging',
                'type:contracts',
                'type:engine',
                'type:testing',
                'type:testing-infrastructure',
              ],
            },
            // End-to-end tests drive the built services from outside, like a client would.
            {
              sourceTag: 'type:e2e',
              onlyDependOnLibsWithTags: [
                'type:testing',
                'type:testing-infrastructure',
                'type:platform',
                'type:contracts',
                'type:messaging',
              ],
            },
            // Checks of the repository's own files (manifests, module boundaries): they read the
            // code's facts (ports, env classes, topics) and start no service.
            {
              sourceTag: 'type:checks',
              onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', 'type:messaging'],
            },
            // The platform's own tests use the testing infrastructure; its code does not (below).
            {
              sourceTag: 'type:platform',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:testing-infrastructure'],
            },
            {
              sourceTag: 'type:contracts',
              onlyDependOnLibsWithTags: [],
              bannedExternalImports: infrastructurePackages,
            },
            {
              sourceTag: 'type:engine',
              onlyDependOnLibsWithTags: [],
              bannedExternalImports: [
                ...infrastructurePackages,
                'class-validator',
                'class-transformer',
              ],
            },
            // Messaging's own specs and fault tests use the testing infrastructure.
            {
              sourceTag: 'type:messaging',
              onlyDependOnLibsWithTags: [
                'type:contracts',
                'type:platform',
                'type:testing-infrastructure',
              ],
            },
            // Test helpers: the infrastructure ones sit below the platform and messaging (whose own
            // tests use them); those that watch events through messaging sit above it.
            {
              sourceTag: 'type:testing-infrastructure',
              onlyDependOnLibsWithTags: ['type:contracts'],
              bannedExternalImports: ['kafkajs'],
            },
            {
              sourceTag: 'type:testing',
              onlyDependOnLibsWithTags: [
                'type:testing-infrastructure',
                'type:platform',
                'type:messaging',
                'type:contracts',
              ],
            },
            // Bounded contexts: a service sees only its own scope and the shared libraries.
            {
              sourceTag: 'scope:schools',
              onlyDependOnLibsWithTags: ['scope:schools', 'scope:shared'],
            },
            {
              sourceTag: 'scope:companies',
              onlyDependOnLibsWithTags: ['scope:companies', 'scope:shared'],
            },
            {
              sourceTag: 'scope:matching',
              onlyDependOnLibsWithTags: ['scope:matching', 'scope:shared'],
            },
            {
              sourceTag: 'scope:notifications',
              onlyDependOnLibsWithTags: ['scope:notifications', 'scope:shared'],
            },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
          ],
        },
      ],
    },
  },
  {
    // Only the messaging library talks to Kafka.
    files: [
      'apps/**/*.ts',
      'libs/platform/**/*.ts',
      'libs/contracts/**/*.ts',
      'libs/matching-engine/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'kafkajs', message: 'Kafka belongs inside libs/messaging.' }] },
      ],
    },
  },
  {
    // The kit's code ships in every service: test helpers only in its tests.
    files: ['libs/platform/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'kafkajs', message: 'Kafka belongs inside libs/messaging.' },
            {
              name: '@tremplin/testing-infrastructure',
              message: 'Test helpers belong in tests (libs/platform/test, *.spec.ts).',
            },
          ],
        },
      ],
    },
  },
];
