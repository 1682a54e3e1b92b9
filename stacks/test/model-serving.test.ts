/**
 * Invariants of promotion without a code change in every environment's
 * synthesized stack: start-transform creates SageMaker models only under
 * `airfill-<env>-m-` and passes only the SageMaker execution role, only to
 * SageMaker; it gets the image and the role it serves promoted models with;
 * plan-parameters reads no pointer; promote-model has its own role that
 * approves packages of the environment's groups and writes the pointers,
 * and nothing else; the boundary admits exactly these.
 */
import { boundaryStatements } from '../src/iam/boundary';
import { Naming } from '../src/naming';
import { type EnvironmentConfig } from '../src/config';
import { allowedActions, list, policiesOf, rolePolicy } from './support/policies';
import { resourceNamed, resourcesOf, synthesizeAll, type Synthesized, type TerraformJson } from './support/synth';

let synthesized: Synthesized;
beforeAll(() => {
  synthesized = synthesizeAll();
});

describe.each(['dev', 'staging', 'prod'])('model serving and promotion in airfill-%s', (name) => {
  const stack = (): TerraformJson => synthesized.stacks[`airfill-${name}`]!;
  const config = (): EnvironmentConfig => synthesized.configs.find((c) => c.name === name)!;
  const arnIn = (service: string, resource: string) => `arn:aws:${service}:${config().region}:${config().accountId}:${resource}`;
  const variablesOf = (fragment: string) => (resourceNamed(stack(), 'aws_lambda_function', fragment).environment as { variables: Record<string, string> }).variables;

  it('lets only start-transform create and describe SageMaker models, only under airfill-<env>-m-', () => {
    const creating = policiesOf(stack()).filter((p) => allowedActions(p.statements).some((a) => a === 'sagemaker:CreateModel' || a === 'sagemaker:DescribeModel'));
    expect(creating.map((p) => p.id)).toEqual([expect.stringContaining('functions_start-transform')]);
    expect(rolePolicy(stack(), 'functions_start-transform').find((s) => s.Sid === 'ServePromotedModels')).toEqual({
      Sid: 'ServePromotedModels',
      Effect: 'Allow',
      Action: ['sagemaker:CreateModel', 'sagemaker:DescribeModel', 'sagemaker:AddTags'],
      Resource: arnIn('sagemaker', `model/airfill-${name}-m-*`),
    });
  });

  it('passes only the SageMaker execution role, only to SageMaker, and gives start-transform that role and the XGBoost image', () => {
    const pass = rolePolicy(stack(), 'functions_start-transform').filter((s) => list(s.Action).includes('iam:PassRole'));
    expect(pass).toEqual([
      {
        Sid: 'PassSageMakerRole',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: expect.stringMatching(/^\$\{aws_iam_role\.model_execution_role_[A-Z0-9]+\.arn\}$/),
        Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      },
    ]);
    const variables = variablesOf('functions_start-transform');
    // The role it may pass is the one it names: the ARN spelled from the role's name.
    const [roleId, role] = resourcesOf(stack(), 'aws_iam_role').find(([id]) => pass[0]!.Resource === `\${aws_iam_role.${id}.arn}`)!;
    expect({ roleId, arn: variables.AIRFILL_SAGEMAKER_ROLE_ARN }).toEqual({ roleId, arn: `arn:aws:iam::${config().accountId}:role/${String(role.name)}` });
    expect(variables.AIRFILL_XGBOOST_IMAGE).toBe(config().training.imageUri ?? (config().model as { imageUri: string }).imageUri);
    // The execution role reads the promoted models' archives, where the training workflow registers them.
    const execution = rolePolicy(stack(), 'model_execution').find((s) => s.Sid === 'ReadInputAndModel')!;
    expect(list(execution.Resource).some((r) => r.endsWith('/models/*'))).toBe(true);
  });

  it('gives plan-parameters no pointer to read: the parameters a model fills are those deployed, pointer or not', () => {
    const actions = allowedActions(rolePolicy(stack(), 'functions_plan-parameters'));
    expect(actions.filter((a) => /^(ssm|sagemaker):/.test(a))).toEqual([]);
    // Its one S3 action writes the chunk manifest (test/chunked-fill.test.ts): no model, no pointer is read.
    expect(actions.filter((a) => a.startsWith('s3:'))).toEqual(['s3:PutObject']);
  });

  it('deploys promote-model with its own role: the app user, approvals of the environment groups\u2019 packages, the pointers; nothing else', () => {
    const fn = resourceNamed(stack(), 'aws_lambda_function', 'model-promotion_promote-model');
    expect(fn.function_name).toBe(`airfill-${name}-promote-model`);
    expect(Object.keys(variablesOf('model-promotion_promote-model')).sort()).toEqual(['AIRFILL_ENV', 'DB_HOST', 'DB_NAME', 'DB_PORT', 'DB_USER']);
    const statements = rolePolicy(stack(), 'model-promotion_promote-model');
    const groups = resourcesOf(stack(), 'aws_sagemaker_model_package_group').map(([id]) => id);
    const approve = statements.find((s) => s.Sid === 'ApprovePackages')!;
    expect(approve.Action).toBe('sagemaker:UpdateModelPackage');
    expect(list(approve.Resource)).toHaveLength(groups.length);
    for (const resource of list(approve.Resource)) expect(resource).toMatch(new RegExp(`^${arnIn('sagemaker', 'model-package/')}\\$\\{aws_sagemaker_model_package_group\\.model_package-group-[a-z0-9]+_[A-Z0-9]+\\.model_package_group_name\\}/\\*$`));
    const beyondBasics = allowedActions(statements).filter((a) => !/^(logs|xray|ec2|kms):/.test(a));
    expect(beyondBasics.sort()).toEqual(['rds-db:connect', 'sagemaker:UpdateModelPackage', 'ssm:PutParameter']);
    // No workflow invokes it: a person does, with `aws lambda invoke`.
    const invokers = policiesOf(stack()).filter((p) => p.statements.some((s) => list(s.Action).includes('lambda:InvokeFunction') && list(s.Resource).some((r) => r.includes('promote-model'))));
    expect(invokers).toEqual([]);
  });

  it('keeps the permissions boundary admitting the new grants on exactly these resources', () => {
    const boundary = boundaryStatements(new Naming(config()));
    const sidOf = (action: string, resource: string) => boundary.find((s) => list(s.Action).includes(action) && list(s.Resource).includes(resource))?.Sid;
    expect(sidOf('sagemaker:CreateModel', arnIn('sagemaker', `model/airfill-${name}-m-*`))).toBe('ServingModels');
    expect(sidOf('ssm:GetParameter', arnIn('ssm', `parameter/airfill/${name}/models/*`))).toBe('ModelPointers');
    expect(sidOf('sagemaker:UpdateModelPackage', arnIn('sagemaker', `model-package/airfill-${name}-*/*`))).toBe('ModelPackages');
  });
});
