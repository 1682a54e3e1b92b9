import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAMBDA_APPS } from '../src/assets/lambda-bundles';
import { resourcesOf, synthesizeAll, type Synthesized, type TerraformJson } from './support/synth';
import { planOffline, type PlanAssertion, terraformUnavailableReason, testPlanWithMockProvider } from './support/terraform';

const ENVIRONMENTS = ['dev', 'staging', 'prod'];

// Chosen at load time so the report shows "skipped" with the reason, never a silent pass.
const unavailable = terraformUnavailableReason();
if (unavailable) {
  console.warn(`terraform validate and terraform test SKIPPED: ${unavailable}. The synthesized JSON is still checked by security.test.ts and findings.test.ts.`);
}
const itWithTerraform = unavailable ? it.skip : it;

/** What the plan of an environment must show, as Terraform evaluates it (expressions resolved, mocks for what AWS computes). */
function environmentAssertions(stack: TerraformJson): PlanAssertion[] {
  const functions = resourcesOf(stack, 'aws_lambda_function').map(([id]) => `aws_lambda_function.${id}`);
  const [clusterId] = resourcesOf(stack, 'aws_rds_cluster').map(([id]) => id);
  const cluster = `aws_rds_cluster.${clusterId}`;
  const settings = resourcesOf(stack, 'aws_rds_cluster')[0]![1];
  return [
    { condition: `length([${functions.join(', ')}]) == ${LAMBDA_APPS.length + 1}`, message: `${LAMBDA_APPS.length + 1} Lambdas are planned (the pipeline's and the read API)` },
    ...functions.flatMap((fn) => [
      { condition: `${fn}.runtime == "nodejs22.x" && ${fn}.tracing_config[0].mode == "Active"`, message: `${fn}: supported runtime, active tracing` },
      { condition: `length(${fn}.vpc_config) == 1 && ${fn}.logging_config[0].log_format == "JSON"`, message: `${fn}: in the VPC, JSON logs` },
    ]),
    { condition: `${cluster}.storage_encrypted && ${cluster}.iam_database_authentication_enabled`, message: 'Aurora is encrypted with IAM auth' },
    {
      condition: `${cluster}.deletion_protection == ${String(settings.deletion_protection)} && ${cluster}.skip_final_snapshot == ${String(settings.skip_final_snapshot)}`,
      message: 'deletion protection and final snapshot as configured',
    },
    ...resourcesOf(stack, 'aws_flow_log').map(([id]) => ({ condition: `aws_flow_log.${id}.traffic_type == "ALL"`, message: 'VPC flow logs are planned' })),
  ];
}

describe('terraform validate and terraform test (offline, AWS provider 5.100.0)', () => {
  let synthesized: Synthesized;
  beforeAll(() => {
    if (!unavailable) synthesized = synthesizeAll();
  });

  itWithTerraform.each(ENVIRONMENTS)(
    'validates airfill-%s and plans it with a mock provider (terraform test): expressions evaluate, the assertions hold',
    (env) => {
      const stack = synthesized.stacks[`airfill-${env}`]!;
      const result = testPlanWithMockProvider(synthesized.stackDir(`airfill-${env}`), join(mkdtempSync(join(tmpdir(), 'airfill-tftest-')), env), environmentAssertions(stack));
      expect(result.validation).toMatchObject({ valid: true, errorCount: 0, diagnostics: [] });
      expect({ passed: result.passed, output: result.passed ? '' : result.output }).toEqual({ passed: true, output: '' });
    },
    120_000,
  );

  itWithTerraform.each(ENVIRONMENTS)(
    'validates airfill-%s-bootstrap and plans it with a mock provider: both CI roles',
    (env) => {
      const name = `airfill-${env}-bootstrap`;
      const assertions: PlanAssertion[] = [
        { condition: `length([for r in [${resourcesOf(synthesized.stacks[name]!, 'aws_iam_role').map(([id]) => `aws_iam_role.${id}`).join(', ')}] : r if r.max_session_duration == 3600]) == 2`, message: 'deploy and plan roles' },
      ];
      const result = testPlanWithMockProvider(synthesized.stackDir(name), join(mkdtempSync(join(tmpdir(), 'airfill-tftest-')), name), assertions);
      expect(result.validation).toMatchObject({ valid: true, errorCount: 0, diagnostics: [] });
      expect({ passed: result.passed, output: result.passed ? '' : result.output }).toEqual({ passed: true, output: '' });
    },
    120_000,
  );

  it('fails a terraform test whose assertion does not hold (so the tests above can fail)', () => {
    if (unavailable) return;
    const result = testPlanWithMockProvider(synthesized.stackDir('airfill-dev'), join(mkdtempSync(join(tmpdir(), 'airfill-tftest-')), 'dev'), [
      { condition: `${resourcesOf(synthesized.stacks['airfill-dev']!, 'aws_lambda_function').map(([id]) => `aws_lambda_function.${id}`)[0]}.runtime == "nodejs20.x"`, message: 'cannot hold' },
    ]);
    expect(result.passed).toBe(false);
    expect(result.output).toMatch(/cannot hold/);
  }, 120_000);

  // prod holds every resource type the others have, and more; one real-provider plan keeps the suite quick.
  itWithTerraform(
    'plans airfill-prod with the real provider and dummy credentials: every synthesized resource to add, nothing else',
    () => {
      const stack = synthesized.stacks['airfill-prod']!;
      const resources = Object.values(stack.resource).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
      const plan = planOffline(synthesized.stackDir('airfill-prod'), join(mkdtempSync(join(tmpdir(), 'airfill-plan-')), 'airfill-prod'));
      expect(plan).toMatchObject({ add: resources, change: 0, destroy: 0 });
    },
    180_000,
  );
});
