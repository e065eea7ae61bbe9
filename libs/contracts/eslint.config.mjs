import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  // Config files import the workspace's shared config by relative path, which is their job.
  { files: ['*.config.js', '*.config.mjs'], rules: { '@nx/enforce-module-boundaries': 'off' } },
];
