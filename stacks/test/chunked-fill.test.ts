/**
 * Invariants of the chunked fill in the cloud (issue 16, item 4): the
 * Distributed Map reads the chunk manifest plan-parameters writes, and every
 * role involved may do exactly what that takes, within the boundary.
 */
import { executionKeys } from '@airfill/schema';
import { buildPipelineDefinition } from '@airfill/workflow';
import { type EnvironmentConfig } from '../src/config';
import { assertChunkMapLabels } from '../src/iam/pipeline-machine';
import { isAllowed, type AccessRequest } from './support/evaluate';
import { allowedActions, list, rolePolicy, type Statement } from './support/policies';
import { managedPolicyNamed } from './support/roles';
import { resourceNamed, resourcesOf, synthesizeAll, type Synthesized, type TerraformJson } from './support/synth';

let synthesized: Synthesized;
beforeAll(() => {
  synthesized = synthesizeAll();
});

interface MapState {
  Type: string;
  ItemsPath?: string;
  ItemReader?: unknown;
  ItemSelector?: Record<string, string>;
  MaxConcurrency?: number;
  Label?: string;
  ResultPath?: string;
  ItemProcessor: { ProcessorConfig: unknown; StartAt: string; States: Record<string, { Resource?: string; Parameters?: { FunctionName?: string }; Next?: string }> };
}

/** A fresh execution-like id, as plan-parameters derives the manifest's run id from the execution. */
const MANIFEST_KEY = executionKeys('exec-2026-11-30T17-00-00Z-3f2a').chunks;

describe.each(['dev', 'staging', 'prod'])('airfill-%s', (name) => {
  const stack = (): TerraformJson => synthesized.stacks[`airfill-${name}`]!;
  const config = (): EnvironmentConfig => synthesized.configs.find((c) => c.name === name)!;
  const arn = (resource: string) => `arn:aws:states:${config().region}:${config().accountId}:${resource}`;
  const machine = () => resourceNamed(stack(), 'aws_sfn_state_machine', 'state-machine');
  const definition = () => JSON.parse(machine().definition as string) as { States: Record<string, MapState & { ResultPath?: string }> };
  const dataBucket = () => resourcesOf(stack(), 'aws_s3_bucket').filter(([id]) => id.startsWith('storage_data_bucket'));
  /** The data bucket's logical id: grants and the definition reference it. */
  const dataBucketId = () => {
    expect(dataBucket()).toHaveLength(1);
    return dataBucket()[0]![0];
  };
  const dataBucketArn = () => `arn:aws:s3:::${dataBucket()[0]![1].bucket as string}`;
  /** Statements with the data bucket's Terraform reference replaced by its ARN, so they can be evaluated. */
  const resolved = (statements: Statement[]): Statement[] =>
    JSON.parse(JSON.stringify(statements).split(`\${aws_s3_bucket.${dataBucketId()}.arn}`).join(dataBucketArn())) as Statement[];
  const boundary = () => managedPolicyNamed(synthesized.stacks, `airfill-${name}-boundary`).statements;
  const context = () => ({ 'aws:RequestedRegion': config().region, 'aws:ResourceTag/environment': name, 'kms:ViaService': `s3.${config().region}.amazonaws.com` });
  const allowed = (statements: Statement[], action: string, resource: string) => {
    const request: AccessRequest = { action, resource, context: context() };
    return { policy: isAllowed(resolved(statements), request), withBoundary: isAllowed(resolved(statements), request, boundary()) };
  };

  describe('the state machine', () => {
    it('fills the chunks in a Distributed Map reading the manifest from the data bucket, at the configured concurrency', () => {
      const fill = definition().States.FillChunks!;
      expect(fill).toMatchObject({
        Type: 'Map',
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'JSON' },
          Parameters: { Bucket: `\${aws_s3_bucket.${dataBucketId()}.bucket}`, 'Key.$': '$.plan.chunks.key' },
        },
        MaxConcurrency: config().pipeline.maxConcurrency,
        Label: 'FillChunks',
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'QueryMissing' },
      });
      expect(fill.ItemsPath).toBeUndefined();
      expect(definition().States.FillParameters).toBeUndefined();
      // `$.plan.chunks.key` is plan-parameters' result: the key of the manifest it wrote.
      expect(definition().States.PlanParameters).toMatchObject({ ResultPath: '$.plan', Next: 'FillChunks' });
    });

    it('runs query-missing, the transform and write-predictions in each child execution', () => {
      const states = definition().States.FillChunks!.ItemProcessor.States;
      expect(states.QueryMissing!.Resource).toMatch(/aws_lambda_function\.functions_query-missing_function/);
      expect(states.StartTransform!.Parameters!.FunctionName).toMatch(/aws_lambda_function\.functions_start-transform_function/);
      expect(states.WritePredictions!.Resource).toMatch(/aws_lambda_function\.functions_write-predictions_function/);
      expect(states.RecordFailure!.Resource).toMatch(/aws_lambda_function\.functions_record-failure_function/);
    });
  });

  describe('the workflow role', () => {
    const statements = () => rolePolicy(stack(), 'workflow_execution');
    const machineName = () => `airfill-${name}-pipeline`;

    it('may start, track and redrive its own child executions and read the chunk manifests: exactly these, by name', () => {
      expect(machine().name).toBe(machineName());
      const touching = statements().filter((s) => allowedActions([s]).some((action) => /^(states|s3):/.test(action)));
      expect(touching).toEqual([
        { Sid: 'StartChunkExecutions', Effect: 'Allow', Action: 'states:StartExecution', Resource: arn(`stateMachine:${machineName()}`) },
        {
          Sid: 'TrackChunkExecutions',
          Effect: 'Allow',
          Action: ['states:DescribeExecution', 'states:StopExecution'],
          Resource: [arn(`execution:${machineName()}:*`), arn(`execution:${machineName()}/FillChunks:*`)],
        },
        { Sid: 'RedriveChunkExecutions', Effect: 'Allow', Action: 'states:RedriveExecution', Resource: arn(`execution:${machineName()}/FillChunks:*`) },
        { Sid: 'ReadChunkManifest', Effect: 'Allow', Action: 's3:GetObject', Resource: `\${aws_s3_bucket.${dataBucketId()}.arn}/retrieved_from_db/*/chunks.json` },
      ]);
      // No "*" resource, and every wildcard sits after this machine's name or inside the manifests' keys.
      for (const resource of touching.flatMap((statement) => list(statement.Resource))) {
        expect(resource).toMatch(new RegExp(`^(arn:aws:states:${config().region}:${config().accountId}:(stateMachine|execution):${machineName()}([:/]|$)|\\$\\{aws_s3_bucket\\.${dataBucketId()}\\.arn\\}/retrieved_from_db/)`));
      }
      // The label the grants name is the definition's.
      expect(definition().States.FillChunks!.Label).toBe('FillChunks');
    });

    it('decrypts the manifest with the environment key through S3 only', () => {
      expect(statements().find((s) => s.Sid === 'KeyViaS3')).toEqual({
        Sid: 'KeyViaS3',
        Effect: 'Allow',
        Action: ['kms:Decrypt'],
        Resource: expect.stringMatching(/^\$\{aws_kms_key\.encryption_key_[A-Z0-9]+\.arn\}$/),
        Condition: { StringEquals: { 'kms:ViaService': `s3.${config().region}.amazonaws.com` } },
      });
    });

    it('is allowed, within the boundary, what the Map Run does, and nothing on another machine or object', () => {
      const child = arn(`execution:${machineName()}/FillChunks:0b7c1f3e-5d7a-4a3e-9c1b-2f6e8a9d0c11`);
      const parent = arn(`execution:${machineName()}:exec-1`);
      const both = { policy: true, withBoundary: true };
      expect(allowed(statements(), 'states:StartExecution', arn(`stateMachine:${machineName()}`))).toEqual(both);
      for (const action of ['states:DescribeExecution', 'states:StopExecution', 'states:RedriveExecution']) {
        expect({ action, ...allowed(statements(), action, child) }).toEqual({ action, ...both });
      }
      expect(allowed(statements(), 'states:DescribeExecution', parent)).toEqual(both);
      expect(allowed(statements(), 's3:GetObject', `${dataBucketArn()}/${MANIFEST_KEY}`)).toEqual(both);

      expect(allowed(statements(), 'states:RedriveExecution', parent).policy).toBe(false);
      expect(allowed(statements(), 'states:StartExecution', arn(`stateMachine:airfill-${name}-training`)).policy).toBe(false);
      expect(allowed(statements(), 'states:StopExecution', arn(`execution:airfill-${name}-training/FillChunks:x`)).policy).toBe(false);
      expect(allowed(statements(), 's3:GetObject', `${dataBucketArn()}/retrieved_from_db/run-1/context.jsonl`).policy).toBe(false);
      expect(allowed(statements(), 's3:GetObject', `${dataBucketArn()}/predicted_values_output/run-1/chunks.json`).policy).toBe(false);
      expect(allowed(statements(), 's3:PutObject', `${dataBucketArn()}/${MANIFEST_KEY}`).policy).toBe(false);
    });
  });

  describe('plan-parameters', () => {
    const statements = () => rolePolicy(stack(), 'functions_plan-parameters');

    it('gets the bucket and the chunk size in its environment', () => {
      const variables = (resourceNamed(stack(), 'aws_lambda_function', 'plan-parameters').environment as { variables: Record<string, string> }).variables;
      expect(variables.AIRFILL_BUCKET).toBe(`\${aws_s3_bucket.${dataBucketId()}.bucket}`);
      expect(variables.AIRFILL_MAX_READINGS_PER_RUN).toBe(String(config().pipeline.maxReadingsPerRun));
    });

    it('may write the chunk manifests and nothing else of the bucket, and use the key for it through S3 only', () => {
      const s3 = statements().filter((s) => allowedActions([s]).some((action) => action.startsWith('s3:')));
      expect(s3).toEqual([{ Sid: 'WriteChunkManifest', Effect: 'Allow', Action: 's3:PutObject', Resource: [`\${aws_s3_bucket.${dataBucketId()}.arn}/retrieved_from_db/*/chunks.json`] }]);
      expect(statements().find((s) => s.Sid === 'KeyViaS3')).toMatchObject({
        Action: ['kms:GenerateDataKey'],
        Condition: { StringEquals: { 'kms:ViaService': `s3.${config().region}.amazonaws.com` } },
      });
      expect(allowedActions(statements()).filter((action) => action.startsWith('states:'))).toEqual([]);
      expect(allowed(statements(), 's3:PutObject', `${dataBucketArn()}/${MANIFEST_KEY}`)).toEqual({ policy: true, withBoundary: true });
      expect(allowed(statements(), 's3:PutObject', `${dataBucketArn()}/retrieved_from_db/run-1/context.jsonl`).policy).toBe(false);
      expect(allowed(statements(), 's3:GetObject', `${dataBucketArn()}/${MANIFEST_KEY}`).policy).toBe(false);
    });
  });

  describe('task tokens from child executions', () => {
    it.each(['functions_transform-callback', 'functions_start-transform'])('%s reports to the pipeline and its chunks\u2019 executions, by name', (fragment) => {
      const report = rolePolicy(stack(), fragment).filter((s) => allowedActions([s]).some((action) => action.startsWith('states:')));
      expect(report).toEqual([
        {
          Sid: 'ReportToWorkflow',
          Effect: 'Allow',
          Action: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
          Resource: [arn(`stateMachine:airfill-${name}-pipeline`), arn(`stateMachine:airfill-${name}-pipeline/FillChunks`)],
        },
      ]);
      for (const resource of list(report[0]!.Resource)) {
        expect({ resource, ...allowed(report, 'states:SendTaskSuccess', resource) }).toEqual({ resource, policy: true, withBoundary: true });
      }
      expect(allowed(report, 'states:SendTaskSuccess', arn(`stateMachine:airfill-${name}-training`)).policy).toBe(false);
    });
  });
});

describe('the chunk map grants', () => {
  it('refuse a definition whose Distributed Map has another label, or none', () => {
    const props = {
      functions: { qualityCheck: 'q', planParameters: 'p', queryMissing: 'm', startTransform: 's', writePredictions: 'w', recordFailure: 'r' },
      chunkManifestBucket: 'bucket',
      transformTimeoutSeconds: 3600,
    };
    const definition = buildPipelineDefinition(props);
    expect(() => assertChunkMapLabels(definition)).not.toThrow();
    const relabelled = { ...definition, States: { ...definition.States, FillChunks: { ...definition.States.FillChunks!, Label: 'Chunks' } } };
    expect(() => assertChunkMapLabels(relabelled as typeof definition)).toThrow(/labelled FillChunks; the definition has Chunks/);
    const { FillChunks: _dropped, ...others } = definition.States;
    expect(() => assertChunkMapLabels({ States: others })).toThrow(/the definition has none/);
  });
});
