import { type Statement } from './policies';
import { type TerraformJson } from './synth';

/** A role found by its name in any of the synthesized stacks, with its policies parsed. */
export interface FoundRole {
  stack: string;
  id: string;
  trust: Statement[];
  statements: Statement[];
  managedPolicies: string[];
  attributes: Record<string, unknown>;
}

const parse = (text: unknown) => (JSON.parse(text as string) as { Statement: Statement[] }).Statement;

/** The stacks whose backend is of a kind: `s3` (environments) or `local` (bootstrap). */
export function stacksWithBackend(stacks: Record<string, TerraformJson>, kind: 's3' | 'local'): [string, TerraformJson][] {
  return Object.entries(stacks).filter(([, stack]) => stack.terraform.backend?.[kind] !== undefined);
}

/** The role named `name` (its inline policies and managed attachments), wherever it is synthesized. */
export function roleNamed(stacks: Record<string, TerraformJson>, name: string): FoundRole {
  const found: FoundRole[] = [];
  for (const [stackName, stack] of Object.entries(stacks)) {
    for (const [id, role] of Object.entries(stack.resource.aws_iam_role ?? {})) {
      if (role.name !== name) continue;
      const ref = `aws_iam_role.${id}.`;
      const statements = Object.values(stack.resource.aws_iam_role_policy ?? {})
        .filter((policy) => String(policy.role).includes(ref))
        .flatMap((policy) => parse(policy.policy));
      const managedPolicies = Object.values(stack.resource.aws_iam_role_policy_attachment ?? {})
        .filter((attachment) => String(attachment.role).includes(ref))
        .map((attachment) => String(attachment.policy_arn));
      found.push({ stack: stackName, id, trust: parse(role.assume_role_policy), statements, managedPolicies, attributes: role });
    }
  }
  if (found.length !== 1) throw new Error(`expected one role named ${name}, found ${found.length}`);
  return found[0]!;
}

/** The customer-managed policy named `name` (a permissions boundary), wherever it is synthesized. */
export function managedPolicyNamed(stacks: Record<string, TerraformJson>, name: string): { stack: string; statements: Statement[]; provider: Record<string, unknown> } {
  const found = Object.entries(stacks).flatMap(([stackName, stack]) =>
    Object.values(stack.resource.aws_iam_policy ?? {})
      .filter((policy) => policy.name === name)
      .map((policy) => ({ stack: stackName, statements: parse(policy.policy), provider: stack.provider.aws![0]! })),
  );
  if (found.length !== 1) throw new Error(`expected one policy named ${name}, found ${found.length}`);
  return found[0]!;
}
