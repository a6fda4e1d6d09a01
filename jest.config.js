// ESM + TypeScript: ts-jest only transpiles (type checking is `npm run typecheck`).
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true }]
  },
  testMatch: ['**/__tests__/**/*.test.ts'],
  setupFilesAfterEnv: ['<rootDir>/__tests__/helpers/test-setup.ts'],
  testTimeout: 60000,
  // The tests mostly wait on sockets and timers, so more workers than cores pay off.
  maxWorkers: 4,
  verbose: true
}
