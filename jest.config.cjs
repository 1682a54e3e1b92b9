/** All tests of the workspace in one run: every package with a jest.config.cjs is a project. */
const fs = require('node:fs');
const path = require('node:path');

const roots = ['apps', 'packages'].flatMap((dir) =>
  fs.readdirSync(path.join(__dirname, dir)).map((name) => path.join(dir, name)),
);
const projects = [...roots, 'stacks', 'bench']
  .filter((dir) => fs.existsSync(path.join(__dirname, dir, 'jest.config.cjs')) && fs.existsSync(path.join(__dirname, dir, 'test')))
  .map((dir) => `<rootDir>/${dir}`);

module.exports = { projects, maxWorkers: 2 };
