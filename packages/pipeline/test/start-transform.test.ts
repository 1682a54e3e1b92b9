import { CreateTransformJobCommand, DescribeTransformJobCommand } from '@aws-sdk/client-sagemaker';
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { runKeys, targetRecordSchema, transformManifestSchema } from '@airfill/schema';
import { getText, listKeys, parseJsonLines, startTransform } from '../src';
import { awsDeps, JOB_PREFIX, queriedRun, SSM_PREFIX, transformSettings, useFixture, type Fixture } from './support/fixture';
import { PARAMETER } from './support/seed';
import { runLocalTransform } from './support/local-transform';

let fixture: Fixture;
useFixture((opened) => (fixture = opened));

describe('startTransform', () => {
  it('writes one input object per transform instance (contiguous shares of the rows), so every instance scores a share', async () => {
    const { bucket, run, startEvent } = await queriedRun(fixture, 's-parts');
    const result = await startTransform(awsDeps(fixture, bucket), { ...transformSettings(fixture), instanceCount: 2 }, startEvent('token-parts'));
    expect(result).toMatchObject({ rows: 5, state: 'created' });
    const keys = runKeys(run.runId);
    expect(await listKeys(bucket, keys.inputPrefix)).toEqual([keys.inputPart(0), keys.inputPart(1)]);
    const ids = await Promise.all([0, 1].map(async (part) => (await getText(bucket, keys.inputPart(part))).trimEnd().split('\n').map((line) => line.split(',')[0])));
    expect(ids).toEqual([['0', '1'], ['2', '3', '4']]);
    const request = fixture.aws.sagemaker.commandCalls(CreateTransformJobCommand).at(-1)!.args[0].input;
    expect(request.TransformResources).toMatchObject({ InstanceCount: 2 });
    expect(request.TransformInput?.DataSource?.S3DataSource).toMatchObject({ S3DataType: 'S3Prefix', S3Uri: `s3://${bucket.name}/${keys.inputPrefix}` });
  });

  it('writes headerless feature rows, id first, and keeps what the callback needs under retrieved_from_db/', async () => {
    const { bucket, run, startEvent } = await queriedRun(fixture, 's1');
    const result = await startTransform(awsDeps(fixture, bucket), transformSettings(fixture), startEvent('token-1'));
    const jobName = `${JOB_PREFIX}${run.runId}`;
    expect(result).toEqual({ jobName, rows: 5, state: 'created' });

    const keys = runKeys(run.runId);
    expect(await listKeys(bucket, keys.inputPrefix)).toEqual([keys.inputPart(0)]);
    const lines = (await getText(bucket, keys.inputPart(0))).trimEnd().split('\n');
    const columns = fixture.model.contract.columns.length;
    expect(lines).toHaveLength(5);
    lines.forEach((line, id) => {
      const cells = line.split(',');
      expect(cells[0]).toBe(String(id));
      expect(cells).toHaveLength(columns + 1);
      expect(cells.slice(1).filter((cell) => cell === '' || Number.isFinite(Number(cell)))).toHaveLength(columns);
    });
    // The first line is not a header.
    expect(lines[0]).not.toMatch(/[a-z]/i);

    const targets = parseJsonLines(await getText(bucket, keys.targets), targetRecordSchema, keys.targets);
    expect(targets.map((target) => target.id)).toEqual([0, 1, 2, 3, 4]);
    expect(targets.filter((target) => Number.isFinite(target.baseline))).toHaveLength(5);
    const manifest = transformManifestSchema.parse(JSON.parse(await getText(bucket, keys.transform)));
    expect(manifest).toMatchObject({ runId: run.runId, jobName, modelVersion: fixture.model.version, rows: 5, skipped: 0 });
  });

  it('builds the live check\'s rows after the missing ones, as if their values had never been observed: each sees a gap as long as its hidden block', async () => {
    const { bucket, run, startEvent } = await queriedRun(fixture, 's-live', { livePoints: 12 });
    expect(run.probes).toBeGreaterThanOrEqual(12);
    const result = await startTransform(awsDeps(fixture, bucket), transformSettings(fixture), startEvent('token-live'));
    expect(result.rows).toBe(run.found + run.probes);
    const keys = runKeys(run.runId);
    const manifest = transformManifestSchema.parse(JSON.parse(await getText(bucket, keys.transform)));
    expect(manifest).toMatchObject({ rows: run.found + run.probes, probes: run.probes, holdout: { mae: fixture.model.metrics.model.mae } });
    const targets = parseJsonLines(await getText(bucket, keys.targets), targetRecordSchema, 'targets');
    const probes = targets.filter((target) => target.probe);
    expect(targets.slice(0, run.found).every((target) => !target.probe)).toBe(true);
    expect(probes).toHaveLength(run.probes);
    // Blocks: consecutive hours of one sensor. Had the values been left in the context, each would see a 1-step gap.
    const blockLength = new Map<string, number>();
    let start = 0;
    for (let index = 1; index <= probes.length; index += 1) {
      const previous = probes[index - 1]!;
      const current = probes[index];
      if (current && current.deviceId === previous.deviceId && Date.parse(current.ts) - Date.parse(previous.ts) === 3_600_000) continue;
      for (const probe of probes.slice(start, index)) blockLength.set(probe.ts + probe.deviceId, index - start);
      start = index;
    }
    expect(probes.map((probe) => probe.gapSteps)).toEqual(probes.map((probe) => blockLength.get(probe.ts + probe.deviceId)));
    expect(Math.max(...blockLength.values())).toBeGreaterThan(1);
  });

  it('stores the task token as a SecureString under the SSM prefix and job name', async () => {
    const { bucket, run, executionId, startEvent } = await queriedRun(fixture, 's2');
    await startTransform(awsDeps(fixture, bucket), transformSettings(fixture), startEvent('token-2'));
    const calls = fixture.aws.ssm.commandCalls(PutParameterCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      Name: `${SSM_PREFIX}/${JOB_PREFIX}${run.runId}`,
      Type: 'SecureString',
      Overwrite: true,
      Value: JSON.stringify({ taskToken: 'token-2', runId: run.runId, executionId }),
    });
  });

  it('creates the batch transform with the model, instances, payload, line splitting and the id-preserving filters', async () => {
    const { bucket, run, startEvent } = await queriedRun(fixture, 's3');
    await startTransform(awsDeps(fixture, bucket), transformSettings(fixture), startEvent('token-3'));
    const calls = fixture.aws.sagemaker.commandCalls(CreateTransformJobCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      TransformJobName: `${JOB_PREFIX}${run.runId}`,
      ModelName: 'airfill-test-model',
      MaxPayloadInMB: 6,
      MaxConcurrentTransforms: 1,
      BatchStrategy: 'MultiRecord',
      TransformInput: {
        DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${bucket.name}/input_batch/${run.runId}/` } },
        ContentType: 'text/csv',
        SplitType: 'Line',
      },
      TransformOutput: { S3OutputPath: `s3://${bucket.name}/output_batch/${run.runId}/`, Accept: 'text/csv', AssembleWith: 'Line' },
      TransformResources: { InstanceType: 'ml.m5.large', InstanceCount: 1 },
      DataProcessing: { InputFilter: '$[1:]', JoinSource: 'Input', OutputFilter: '$[0,-1]' },
      Tags: [
        { Key: 'airfill:run', Value: run.runId },
        { Key: 'airfill:model-version', Value: fixture.model.version },
      ],
    });
  });

  it('on a retry while the job runs, replaces the token and creates no second job', async () => {
    const { bucket, run, startEvent } = await queriedRun(fixture, 's4');
    const deps = awsDeps(fixture, bucket);
    await startTransform(deps, transformSettings(fixture), startEvent('token-old'));
    const retry = await startTransform(deps, transformSettings(fixture), startEvent('token-new'));
    expect(retry.state).toBe('running');
    // The retry's create was refused as a duplicate name, then the job was looked up.
    expect(fixture.aws.sagemaker.commandCalls(CreateTransformJobCommand)).toHaveLength(2);
    expect([...fixture.aws.jobs.keys()].filter((name) => name.endsWith(run.runId))).toHaveLength(1);
    expect(fixture.aws.sagemaker.commandCalls(DescribeTransformJobCommand)).toHaveLength(1);
    const stored = fixture.aws.parameters.get(`${SSM_PREFIX}/${JOB_PREFIX}${run.runId}`);
    expect(JSON.parse(stored!.value)).toMatchObject({ taskToken: 'token-new' });
  });

  it('on a retry after the job finished (its event long gone), settles the job itself with the new token', async () => {
    const { bucket, run, startEvent } = await queriedRun(fixture, 's5');
    const deps = awsDeps(fixture, bucket);
    const jobName = `${JOB_PREFIX}${run.runId}`;
    await startTransform(deps, transformSettings(fixture), startEvent('token-a'));
    await runLocalTransform(bucket, run.runId, fixture.model);
    fixture.aws.jobs.get(jobName)!.status = 'Completed';
    // The first attempt "crashed" after creating the job; its token was never sent back.
    const retry = await startTransform(deps, transformSettings(fixture), startEvent('token-b'));
    expect(retry.state).toBe('settled');
    const sent = fixture.aws.sfn.commandCalls(SendTaskSuccessCommand);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.args[0].input.taskToken).toBe('token-b');
    expect(JSON.parse(sent[0]!.args[0].input.output!)).toEqual({
      jobName,
      predicted: 5,
      modelVersion: fixture.model.version,
      predictionsKey: runKeys(run.runId).predictions,
      refused: 0,
      live: null,
    });
    expect(fixture.aws.parameters.has(`${SSM_PREFIX}/${jobName}`)).toBe(false);
  });

  it("refuses a run whose parameter no model fills, or whose model fills another parameter, and starts no job", async () => {
    const { bucket, startEvent } = await queriedRun(fixture, 's6');
    await expect(startTransform(awsDeps(fixture, bucket), { ...transformSettings(fixture), modelOf: async () => undefined }, startEvent('t'))).rejects.toMatchObject({
      name: 'InputError',
      message: `no current model fills ${PARAMETER}`,
    });
    const elsewhere = { ...fixture.model.contract, parameter: 'PM 10' };
    const confused = { ...transformSettings(fixture), modelOf: async () => ({ name: 'm', version: 'v', contract: elsewhere, calibration: null }) };
    await expect(startTransform(awsDeps(fixture, bucket), confused, startEvent('t'))).rejects.toMatchObject({ name: 'InputError', message: `the model given for ${PARAMETER} fills PM 10` });
    expect(fixture.aws.sagemaker.commandCalls(CreateTransformJobCommand)).toHaveLength(0);
  });

  it('refuses a run that belongs to another execution', async () => {
    const { bucket, run } = await queriedRun(fixture, 's7');
    await expect(
      startTransform(awsDeps(fixture, bucket), transformSettings(fixture), { executionId: 'arn:other', run, taskToken: 't' }),
    ).rejects.toMatchObject({ name: 'InputError' });
  });
});
