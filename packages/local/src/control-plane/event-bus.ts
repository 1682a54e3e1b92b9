/** An EventBridge event (the fields rules match on). */
export interface BusEvent {
  source: string;
  'detail-type': string;
  detail: Record<string, unknown>;
}

/** A pattern value: exact strings, or `{ prefix }`. */
type PatternValue = string | { prefix: string };
/** An EventBridge event pattern (the subset this system uses). */
export interface EventPattern {
  [field: string]: PatternValue[] | EventPattern;
}

/** A rule: a pattern and the target it invokes. */
export interface BusRule {
  name: string;
  pattern: EventPattern;
  target: (event: BusEvent) => Promise<unknown>;
  /** Retries after a failed invocation (Lambda's asynchronous invocation retries twice). @default 2 */
  retries?: number;
  /** Wait before a retry. @default 100 */
  retryDelayMs?: number;
  /** Told about each failed delivery. */
  onDeliveryError?: (error: unknown, attempt: number, event: BusEvent) => void;
}

function matches(pattern: EventPattern, value: unknown): boolean {
  return Object.entries(pattern).every(([field, expected]) => {
    const actual = (value as Record<string, unknown> | undefined)?.[field];
    if (!Array.isArray(expected)) return matches(expected, actual);
    return expected.some((option) => (typeof option === 'string' ? actual === option : typeof actual === 'string' && actual.startsWith(option.prefix)));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * EventBridge in one process: events go to the targets of the rules whose
 * pattern matches, invoked asynchronously with Lambda's retries. The same
 * pattern object the stacks put on the cloud rule decides here.
 */
export class LocalEventBus {
  private readonly rules: BusRule[] = [];

  addRule(rule: BusRule): void {
    this.rules.push(rule);
  }

  /** Delivers an event; resolves once every matching target has succeeded or used up its retries. */
  async put(event: BusEvent): Promise<{ delivered: number; failed: number }> {
    let delivered = 0;
    let failed = 0;
    for (const rule of this.rules.filter((candidate) => matches(candidate.pattern, event))) {
      const attempts = 1 + (rule.retries ?? 2);
      for (let attempt = 1; attempt <= attempts; attempt += 1) {
        try {
          await rule.target(event);
          delivered += 1;
          break;
        } catch (error) {
          rule.onDeliveryError?.(error, attempt, event);
          if (attempt === attempts) failed += 1;
          else await sleep(rule.retryDelayMs ?? 100);
        }
      }
    }
    return { delivered, failed };
  }
}
