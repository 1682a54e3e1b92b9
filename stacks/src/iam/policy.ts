/**
 * IAM policy documents as typed data, rendered to JSON for Terraform. Keeping
 * them as JSON strings (not `aws_iam_policy_document` data sources) lets the
 * tests read every statement from the synthesized output, and lets `terraform
 * plan` run without calling AWS.
 */

/** A condition block: operator -> key -> value(s). */
export type PolicyCondition = Record<string, Record<string, string | string[] | boolean>>;

/** One IAM policy statement. */
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: string | string[];
  Principal?: '*' | Record<string, string | string[]>;
  Condition?: PolicyCondition;
}

/** Merges condition blocks operator by operator (later keys win within an operator). */
export function mergeConditions(...conditions: (PolicyCondition | undefined)[]): PolicyCondition | undefined {
  const merged: PolicyCondition = {};
  for (const condition of conditions) {
    for (const [operator, keys] of Object.entries(condition ?? {})) merged[operator] = { ...merged[operator], ...keys };
  }
  return Object.keys(merged).length > 0 ? merged : undefined;
}

/** Renders statements as an IAM policy document (JSON). */
export function policyDocument(statements: PolicyStatement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** A trust policy letting one AWS service assume a role, from this account only (confused-deputy guard). */
export function serviceTrustPolicy(service: string, accountId: string): string {
  return policyDocument([
    {
      Effect: 'Allow',
      Principal: { Service: service },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': accountId } },
    },
  ]);
}

/** ARN prefix helpers for resources whose ARN is built from names, not attributes. */
export interface ArnContext {
  partition?: string;
  region: string;
  accountId: string;
}

/** `arn:aws:<service>:<region>:<account>:<resource>` */
export function arn(context: ArnContext, service: string, resource: string, options: { global?: boolean } = {}): string {
  const region = options.global ? '' : context.region;
  return `arn:${context.partition ?? 'aws'}:${service}:${region}:${context.accountId}:${resource}`;
}
