// Every project's tests in one Jest run (used by `npm test`); `nx run <project>:test` runs one project.
export default {
  projects: ['<rootDir>/libs/*/jest.config.js', '<rootDir>/services/*/jest.config.js'],
};
