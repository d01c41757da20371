// Every project's tests in one Jest run (used by `npm test`); `nx run <project>:test` runs one project.
// testTimeout is a global option: project configs cannot set it in a multi-project run.
export default {
  projects: ['<rootDir>/libs/*/jest.config.js', '<rootDir>/services/*/jest.config.js', '<rootDir>/e2e/jest.config.js', '<rootDir>/bench/jest.config.js', '<rootDir>/cli/jest.config.js'],
  testTimeout: 60_000,
  // Under --experimental-vm-modules a worker keeps what every test file it ran loaded; past 1 GB it is
  // replaced after its current file (workers had grown to 2.4 GB each, and the collector's pauses slowed
  // every later file).
  workerIdleMemoryLimit: '1GB',
};
