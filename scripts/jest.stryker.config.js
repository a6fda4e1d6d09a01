// Jest as StrykerJS runs it (npm run mutate): the in-process tests only.
// - bundle*.test.ts run dist/ as child processes: they cannot kill a mutant in src/.
// - main.test.ts and commit*.test.ts wait seconds per test on fake servers; every mutant they
//   reach would rerun them (measured: ~20 s a mutant instead of ~1.5 s).
import base from '../jest.config.js'

export default {
  ...base,
  rootDir: '..',
  testPathIgnorePatterns: [
    '/node_modules/',
    '/__tests__/bundle[^/]*\\.test\\.ts$',
    '/__tests__/main\\.test\\.ts$',
    '/__tests__/commit[^/]*\\.test\\.ts$'
  ],
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/', '<rootDir>/dist/'],
  maxWorkers: 1,
  verbose: false
}
