import { type TerraformJson } from './synth';

/** One statement as it appears in a synthesized policy (Terraform references still unresolved). */
export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** Where a policy document sits: the resource type and logical id, and which attribute. */
export interface FoundPolicy {
  type: string;
  id: string;
  attribute: string;
  statements: Statement[];
}

/** Resource attributes that hold IAM-style policy documents. */
const POLICY_ATTRIBUTES: Record<string, string[]> = {
  aws_iam_role_policy: ['policy'],
  aws_iam_role: ['assume_role_policy'],
  aws_s3_bucket_policy: ['policy'],
  aws_kms_key: ['policy'],
  aws_sqs_queue_policy: ['policy'],
  aws_vpc_endpoint_policy: ['policy'],
};

/** Every policy document in a stack, parsed. */
export function policiesOf(stack: TerraformJson): FoundPolicy[] {
  const found: FoundPolicy[] = [];
  for (const [type, attributes] of Object.entries(POLICY_ATTRIBUTES)) {
    for (const [id, resource] of Object.entries(stack.resource[type] ?? {})) {
      for (const attribute of attributes) {
        const text = resource[attribute];
        if (typeof text !== 'string') throw new Error(`${type}.${id}.${attribute} is not an inline JSON policy`);
        const document = JSON.parse(text) as { Statement: Statement[] };
        found.push({ type, id, attribute, statements: document.Statement });
      }
    }
  }
  return found;
}

/** A value or list as a list. */
export function list<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The identity policy (inline role policy) attached to the role whose logical id contains `fragment`. */
export function rolePolicy(stack: TerraformJson, fragment: string): Statement[] {
  // The fragment starts a segment of the id: `model_execution` is the model's role, not `register-model_execution`.
  const matches = Object.entries(stack.resource.aws_iam_role_policy ?? {}).filter(([id]) => id.startsWith(fragment) || id.includes(`_${fragment}`));
  if (matches.length !== 1) throw new Error(`expected one role policy matching ${fragment}, found ${matches.length}`);
  return (JSON.parse(matches[0]![1].policy as string) as { Statement: Statement[] }).Statement;
}

/** All actions a list of statements allows. */
export function allowedActions(statements: Statement[]): string[] {
  return statements.filter((s) => s.Effect === 'Allow').flatMap((s) => list(s.Action));
}
