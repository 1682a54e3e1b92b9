/**
 * For tests that need a tool this workspace does not ship (xgboost's
 * command line). Where it is installed, the tests run. On a user's machine
 * without it they skip, saying so on stderr. In CI (CI=true), where
 * scripts/setup.sh must have installed it, each such test fails instead:
 * a failed install can never turn into a green run that tested less.
 */
export function needsTool(tool: string, available: boolean, install: string): { describe: jest.Describe; it: jest.It } {
  if (available) return { describe, it };
  const missing = () => {
    throw new Error(`${tool} is required in CI and is not installed (${install}); scripts/setup.sh should have failed`);
  };
  if (process.env.CI === 'true') {
    const failingIt = ((name: string) => it(name, missing)) as unknown as jest.It;
    const failingDescribe = ((name: string) => describe(name, () => it(`needs ${tool}`, missing))) as unknown as jest.Describe;
    return { describe: failingDescribe, it: failingIt };
  }
  process.stderr.write(`${tool} not found: skipping the tests that need it (${install})\n`);
  return { describe: describe.skip, it: it.skip };
}
