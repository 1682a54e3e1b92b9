/** All tests of the workspace in one run: every package with a jest.config.cjs is a project. */
const fs = require('node:fs');
const path = require('node:path');

const roots = ['apps', 'packages'].flatMap((dir) =>
  fs.readdirSync(path.join(__dirname, dir)).map((name) => path.join(dir, name)),
);
const projects = [...roots, 'stacks', 'bench']
  .filter((dir) => fs.existsSync(path.join(__dirname, dir, 'jest.config.cjs')) && fs.existsSync(path.join(__dirname, dir, 'test')))
  .map((dir) => `<rootDir>/${dir}`);

// testTimeout is a global option: jest ignores it inside a project. Integration
// tests start servers and run real PostgreSQL; 60 s is their budget.
module.exports = { projects, maxWorkers: 2, testTimeout: 60_000 };
