import validator from 'asl-validator';
import { buildPipelineDefinition, itemReaderStateName, lowerDistributedMaps, STATES, type AslDefinition, type AslMapState, type AslTaskState } from '../src';

const arn = (name: string) => `arn:aws:lambda:eu-west-1:123456789012:function:${name}`;
const cloud = buildPipelineDefinition({
  functions: { qualityCheck: arn('c'), planParameters: arn('p'), queryMissing: arn('q'), startTransform: arn('s'), writePredictions: arn('w'), recordFailure: arn('r') },
  chunkManifestBucket: 'airfill-dev-data',
  transformTimeoutSeconds: 600,
  maxConcurrency: 4,
});

describe('lowerDistributedMaps', () => {
  const { definition, lowered } = lowerDistributedMaps(cloud);
  const reader = itemReaderStateName(STATES.fillChunks);
  const map = definition.States[STATES.fillChunks] as AslMapState;

  it('puts a Task that reads the manifest before the Distributed Map, with the ItemReader as its parameters, and sends every transition to it', () => {
    expect(lowered).toEqual([{ map: STATES.fillChunks, reader, itemReader: (cloud.States[STATES.fillChunks] as AslMapState).ItemReader }]);
    expect(definition.States[reader]).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::s3:getObject',
      Parameters: { Bucket: 'airfill-dev-data', 'Key.$': '$.plan.chunks.key' },
      Next: STATES.fillChunks,
    });
    expect((definition.States[STATES.planParameters] as AslTaskState).Next).toBe(reader);
    // A failed read fails the execution as the Map's own failure would.
    expect((definition.States[reader] as AslTaskState).Catch).toEqual((cloud.States[STATES.fillChunks] as AslMapState).Catch);
  });

  it('runs the Map inline over what the reader read, keeping its selector, concurrency, item processor, result path and catchers', () => {
    const original = cloud.States[STATES.fillChunks] as AslMapState;
    expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'INLINE' });
    expect(map.ItemsPath).toBe((definition.States[reader] as AslTaskState).ResultPath);
    expect(map).not.toHaveProperty('ItemReader');
    expect(map).not.toHaveProperty('Label');
    expect({ ...map, ItemsPath: undefined, ItemProcessor: map.ItemProcessor.States }).toEqual({
      ...original,
      ItemReader: undefined,
      Label: undefined,
      ItemsPath: undefined,
      ItemProcessor: original.ItemProcessor.States,
    });
  });

  it('leaves a valid definition the local engine accepts, and the cloud one untouched', () => {
    const { isValid, errorsText } = validator(JSON.parse(JSON.stringify(definition)));
    expect(errorsText('\n')).toBe('');
    expect(isValid).toBe(true);
    expect((cloud.States[STATES.fillChunks] as AslMapState).ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' });
  });

  it('changes nothing in a definition without a Distributed Map', () => {
    const inline: AslDefinition = {
      QueryLanguage: 'JSONPath',
      StartAt: 'Each',
      States: { Each: { Type: 'Map', ItemsPath: '$.items', MaxConcurrency: 2, ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } },
    };
    expect(lowerDistributedMaps(inline)).toEqual({ definition: inline, lowered: [] });
  });
});
