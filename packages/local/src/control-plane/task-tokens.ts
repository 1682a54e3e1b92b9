import { randomUUID } from 'node:crypto';
import { InvalidToken, SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
import { answerLocally } from './answer-locally';

/** A task the engine waits on until its token comes back. */
export interface WaitingTask {
  token: string;
  /** Resolves with SendTaskSuccess's output; rejects with an error named as SendTaskFailure's `error`. */
  result: Promise<unknown>;
}

/** The error SendTaskFailure reports, as Step Functions raises it in the waiting Task. */
export class TaskFailedError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

interface Pending {
  resolve(output: unknown): void;
  reject(error: Error): void;
}

/**
 * Step Functions' side of `.waitForTaskToken`, which aws-local-stepfunctions
 * does not implement: tokens issued per Task attempt, and the
 * SendTaskSuccess / SendTaskFailure calls that end the wait. A token is
 * answered once; after that, or after its attempt ended, it is dead and
 * Step Functions' TaskTimedOut comes back (the callback treats that as a
 * late or repeated event). A token never issued is InvalidToken.
 */
export class LocalTaskTokens {
  private readonly pending = new Map<string, Pending>();
  private readonly dead = new Set<string>();
  /** An SFN client whose SendTask* calls end the waits. */
  readonly client: SFNClient;

  constructor() {
    void [SendTaskSuccessCommand, SendTaskFailureCommand];
    this.client = answerLocally(new SFNClient({ region: 'us-east-1' }), 'SFN', {
      SendTaskSuccess: (input) => {
        let output: unknown;
        try {
          output = JSON.parse(String(input.output));
        } catch {
          throw Object.assign(new Error('output is not JSON'), { name: 'InvalidOutput' });
        }
        this.take(String(input.taskToken)).resolve(output);
        return {};
      },
      SendTaskFailure: (input) => {
        this.take(String(input.taskToken)).reject(new TaskFailedError(String(input.error ?? 'States.TaskFailed'), String(input.cause ?? '')));
        return {};
      },
    });
  }

  /** Issues a token for one attempt of a waiting Task. */
  issue(): WaitingTask {
    const token = `local-${randomUUID()}`;
    const result = new Promise<unknown>((resolve, reject) => this.pending.set(token, { resolve, reject }));
    // Nobody may await the result (the attempt failed first); that must not become an unhandled rejection.
    result.catch(() => undefined);
    return { token, result };
  }

  /**
   * Ends a token's attempt without an answer (it failed, timed out, or its
   * execution ended): a wait still pending ends with States.Timeout, and
   * later answers get TaskTimedOut.
   */
  expire(token: string): void {
    const pending = this.pending.get(token);
    if (!pending) return;
    this.pending.delete(token);
    this.dead.add(token);
    pending.reject(new TaskFailedError('States.Timeout', `task token ${token} expired without an answer`));
  }

  /** Tokens still waiting. */
  get waiting(): number {
    return this.pending.size;
  }

  private take(token: string): Pending {
    const pending = this.pending.get(token);
    if (pending) {
      this.pending.delete(token);
      this.dead.add(token);
      return pending;
    }
    if (this.dead.has(token)) throw new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} });
    throw new InvalidToken({ message: `Invalid token ${token}`, $metadata: {} });
  }
}
