/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Each file transpiled on its own (tsconfig's isolatedModules), in a fraction of the time a type-aware
  // compile takes: npm test type-checks with tsc before jest starts.
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] },
  // The tools' name for the service (tools/tsconfig.json): its sources, as the tests load them.
  moduleNameMapper: { '^#service/(.*)$': '<rootDir>/src/$1' },
  testTimeout: 30000,
  // nock's interceptor is reached after jest's soft global cleanup; keep the cleanup off rather than warn.
  testEnvironmentOptions: { globalsCleanup: 'off' },
  // A private redis-server for the run, and the machine checked for what the tests need (test/environment).
  globalSetup: '<rootDir>/test/environment/globalSetup.ts',
  globalTeardown: '<rootDir>/test/environment/globalTeardown.ts',
  setupFiles: ['<rootDir>/test/setupEnv.js'],
};
