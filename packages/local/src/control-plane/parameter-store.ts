import { DeleteParameterCommand, GetParameterCommand, ParameterAlreadyExists, ParameterNotFound, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { answerLocally } from './answer-locally';

/**
 * SSM Parameter Store, in memory: the three calls the pipeline makes with
 * SSM's semantics (no overwrite without `Overwrite`, not-found errors).
 * The parameters live as long as the runtime; task tokens never need more.
 */
export class LocalParameterStore {
  readonly parameters = new Map<string, { value: string; type: string }>();
  /** An SSM client answered by this store. */
  readonly client: SSMClient;

  constructor() {
    // Referenced so the command classes are kept: the middleware matches on their names.
    void [PutParameterCommand, GetParameterCommand, DeleteParameterCommand];
    this.client = answerLocally(new SSMClient({ region: 'us-east-1' }), 'SSM', {
      PutParameter: (input) => {
        const name = String(input.Name);
        if (this.parameters.has(name) && !input.Overwrite) throw new ParameterAlreadyExists({ message: `${name} already exists`, $metadata: {} });
        this.parameters.set(name, { value: String(input.Value), type: String(input.Type ?? 'String') });
        return { Version: 1, Tier: 'Standard' };
      },
      GetParameter: (input) => {
        const name = String(input.Name);
        const parameter = this.parameters.get(name);
        if (!parameter) throw new ParameterNotFound({ message: `${name} not found`, $metadata: {} });
        return { Parameter: { Name: name, Value: parameter.value, Type: parameter.type } };
      },
      DeleteParameter: (input) => {
        const name = String(input.Name);
        if (!this.parameters.delete(name)) throw new ParameterNotFound({ message: `${name} not found`, $metadata: {} });
        return {};
      },
    });
  }
}
