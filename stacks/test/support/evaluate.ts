import { list, type Statement } from './policies';

/** One request to evaluate: what, on which resource, with which request context (tags, service, ...). */
export interface AccessRequest {
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
}

/** IAM's wildcard match: `*` any run of characters, `?` one character. */
export function globMatches(pattern: string, value: string, caseInsensitive = false): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, caseInsensitive ? 'i' : '').test(value);
}

/** Condition operators these tests understand; any other fails loudly rather than matching by accident. */
function conditionHolds(operator: string, key: string, expected: unknown, context: Record<string, string | string[]>): boolean {
  const wanted = list(expected as string | string[]).map(String);
  const present = Object.prototype.hasOwnProperty.call(context, key);
  const actual = present ? list(context[key]).map(String) : [];
  switch (operator) {
    case 'Null':
      return wanted[0] === 'true' ? !present : present;
    case 'StringEquals':
    case 'ArnEquals':
    case 'Bool':
      return present && actual.every((value) => wanted.includes(value));
    case 'StringLike':
    case 'ArnLike':
      return present && actual.every((value) => wanted.some((pattern) => globMatches(pattern, value)));
    case 'ForAnyValue:StringEquals':
      return actual.some((value) => wanted.includes(value));
    case 'StringNotEquals':
      return !present || actual.every((value) => !wanted.includes(value));
    default:
      throw new Error(`evaluate.ts does not understand the condition operator ${operator}`);
  }
}

function statementApplies(statement: Statement, request: AccessRequest): boolean {
  if (!list(statement.Action).some((action) => globMatches(action, request.action, true))) return false;
  if (!list(statement.Resource).some((resource) => globMatches(resource, request.resource))) return false;
  const context = request.context ?? {};
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) => conditionHolds(operator, key, expected, context)),
  );
}

/**
 * Identity-policy evaluation as IAM does it for one policy set: an explicit
 * Deny wins, else any Allow allows, else the request is implicitly denied.
 * With a boundary, both must allow. Terraform references in a statement
 * (`${...}`) never match, so only literal ARNs are evaluated.
 */
export function isAllowed(statements: Statement[], request: AccessRequest, boundary?: Statement[]): boolean {
  const decide = (policy: Statement[]) =>
    !policy.some((s) => s.Effect === 'Deny' && statementApplies(s, request)) && policy.some((s) => s.Effect === 'Allow' && statementApplies(s, request));
  return decide(statements) && (boundary === undefined || decide(boundary));
}
