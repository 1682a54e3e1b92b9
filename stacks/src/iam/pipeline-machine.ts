import { executionKeys } from '@airfill/schema';
import { type AslDefinition, type AslState, STATES } from '@airfill/workflow';
import { WorkflowGrantError } from '../errors';
import { type Naming } from '../naming';
import { type PolicyStatement } from './policy';
import { keyViaS3 } from './statements';

/**
 * The label of the pipeline's one Distributed Map (FillChunks). It names the
 * Map Run and its child executions: `execution:<stateMachineName>/<label>:<id>`.
 */
export const CHUNK_MAP_LABEL = STATES.fillChunks;

/**
 * ARNs of the pipeline state machine and its executions, spelled out from its
 * name: the machine's own role and the callback's role exist before the
 * machine does, so a Terraform reference to it would be a cycle.
 */
export interface PipelineMachineArns {
  /** `stateMachine:<name>`. */
  stateMachine: string;
  /** `stateMachine:<name>/<label>`: the qualified ARN of the Distributed Map, the state machine its child executions report as theirs. */
  chunkStateMachine: string;
  /** `execution:<name>:*`: the executions the schedule and the CLI start. */
  executions: string;
  /** `execution:<name>/<label>:*`: the Map Run's child executions, one per chunk. */
  chunkExecutions: string;
}

/** {@link PipelineMachineArns} of the state machine named `stateMachineName`. */
export function pipelineMachineArns(naming: Naming, stateMachineName: string): PipelineMachineArns {
  return {
    stateMachine: naming.arn('states', `stateMachine:${stateMachineName}`),
    chunkStateMachine: naming.arn('states', `stateMachine:${stateMachineName}/${CHUNK_MAP_LABEL}`),
    executions: naming.arn('states', `execution:${stateMachineName}:*`),
    chunkExecutions: naming.arn('states', `execution:${stateMachineName}/${CHUNK_MAP_LABEL}:*`),
  };
}

/**
 * The keys of the chunk manifests in the data bucket: plan-parameters writes
 * `retrieved_from_db/<execution>/chunks.json` (`executionKeys` in
 * `@airfill/schema`), the Distributed Map reads it. Grants name only these,
 * not the runs' other files under the same prefix.
 */
export const CHUNK_MANIFEST_KEYS = executionKeys('*').chunks;

/**
 * What the state machine's role needs to run its Distributed Map, as AWS
 * documents it in "IAM policies for using Distributed Map states"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/iam-policies-eg-dist-map.html):
 * StartExecution on the state machine itself, DescribeExecution on its
 * executions, RedriveExecution on `execution:<name>/<label>:*` (redriving a
 * failed execution redrives its Map Run's failed children, see also
 * https://docs.aws.amazon.com/step-functions/latest/dg/redrive-map-run.html),
 * and s3:GetObject on the ItemReader's object. DescribeExecution and
 * StopExecution (earlier versions of that page list the two together) also
 * cover the child executions (`execution:<name>/<label>:*`, the "labelled
 * execution" resource type of the Service Authorization Reference), which
 * the Map Run watches and stops when its execution stops or fails. The
 * manifest is SSE-KMS, so reading it needs kms:Decrypt, through S3 only.
 */
export function chunkMapStatements(naming: Naming, arns: PipelineMachineArns, bucketArn: string, keyArn: string): PolicyStatement[] {
  return [
    { Sid: 'StartChunkExecutions', Effect: 'Allow', Action: 'states:StartExecution', Resource: arns.stateMachine },
    {
      Sid: 'TrackChunkExecutions',
      Effect: 'Allow',
      Action: ['states:DescribeExecution', 'states:StopExecution'],
      Resource: [arns.executions, arns.chunkExecutions],
    },
    { Sid: 'RedriveChunkExecutions', Effect: 'Allow', Action: 'states:RedriveExecution', Resource: arns.chunkExecutions },
    { Sid: 'ReadChunkManifest', Effect: 'Allow', Action: 's3:GetObject', Resource: `${bucketArn}/${CHUNK_MANIFEST_KEYS}` },
    keyViaS3(naming, keyArn, ['kms:Decrypt']),
  ];
}

/** The labels of every Distributed Map in a definition, nested ones included. */
export function distributedMapLabels(definition: Pick<AslDefinition, 'States'>): string[] {
  const labelsIn = (states: Record<string, AslState>): string[] =>
    Object.values(states).flatMap((state) => {
      if (state.Type !== 'Map') return [];
      const own = state.ItemProcessor.ProcessorConfig.Mode === 'DISTRIBUTED' ? [state.Label ?? ''] : [];
      return [...own, ...labelsIn(state.ItemProcessor.States)];
    });
  return labelsIn(definition.States);
}

/**
 * Checks that the definition's Distributed Maps are exactly the one the
 * grants above are written for: a new or renamed one would synthesize, then
 * fail in AWS on its first child execution.
 */
export function assertChunkMapLabels(definition: Pick<AslDefinition, 'States'>): void {
  const labels = distributedMapLabels(definition);
  if (labels.length !== 1 || labels[0] !== CHUNK_MAP_LABEL) {
    throw new WorkflowGrantError(`the pipeline's role is granted the child executions of one Distributed Map labelled ${CHUNK_MAP_LABEL}; the definition has ${labels.length ? labels.map((label) => label || '(no label)').join(', ') : 'none'}`, {
      expected: [CHUNK_MAP_LABEL],
      found: labels,
    });
  }
}
