import type { ChunkRun } from './progress';

/** Time spent in one state, over all its attempts. */
export interface StateTiming {
  state: string;
  ms: number;
  attempts: number;
}

/** What one chunk's run of an execution did and how long it took. */
export interface ParameterRunResult extends ChunkRun {
  /** Its states (inside the Map), in the order they were first entered. */
  states: StateTiming[];
  /** From its first state entered to its last state left (runs of different chunks overlap). */
  ms: number;
  /** The transform job's own time (scoring), when one ran. */
  transformMs?: number;
  /** The callback's time (validating the output, SendTask*), summed over deliveries. */
  callbackMs: number;
}

/** A state event of the engine's log, top-level (`runId` undefined) or inside the Map (in that chunk's run). */
export interface StateEvent {
  state: string;
  runId: string | undefined;
  type: 'entered' | 'retried' | 'left';
  timestamp: number;
}

interface Track {
  timings: Map<string, StateTiming & { enteredAt?: number }>;
  first?: number;
  last?: number;
  transformMs?: number;
  callbackMs: number;
}

/**
 * Collects the time of each state of an execution, top-level and per
 * chunk's run (Map iterations), and the transform and callback times each
 * run's jobs report.
 */
export class ExecutionTimings {
  private readonly tracks = new Map<string | undefined, Track>();

  private track(runId: string | undefined): Track {
    let track = this.tracks.get(runId);
    if (!track) this.tracks.set(runId, (track = { timings: new Map(), callbackMs: 0 }));
    return track;
  }

  /** Takes one state event of the engine's log. */
  state(event: StateEvent): void {
    const track = this.track(event.runId);
    const timing = track.timings.get(event.state) ?? { state: event.state, ms: 0, attempts: 0 };
    track.timings.set(event.state, timing);
    if (event.type === 'entered') {
      timing.enteredAt = event.timestamp;
      timing.attempts += 1;
      track.first ??= event.timestamp;
    } else if (event.type === 'retried') {
      timing.attempts += 1;
    } else {
      if (timing.enteredAt !== undefined) timing.ms += event.timestamp - timing.enteredAt;
      timing.enteredAt = undefined;
      track.last = event.timestamp;
    }
  }

  /** A transform job of run `runId` ended after `ms`. */
  transform(runId: string | undefined, ms: number): void {
    if (runId !== undefined) this.track(runId).transformMs = ms;
  }

  /** A callback delivery for run `runId` took `ms`. */
  callback(runId: string | undefined, ms: number): void {
    if (runId !== undefined) this.track(runId).callbackMs += ms;
  }

  /** The top-level states. */
  topLevel(): StateTiming[] {
    return this.statesOf(this.tracks.get(undefined));
  }

  /** Each planned chunk's run, in the manifest's order. */
  runs(planned: readonly ChunkRun[]): ParameterRunResult[] {
    return planned.map(({ parameter, chunk, runId }) => {
      const track = this.tracks.get(runId);
      return {
        parameter,
        chunk,
        runId,
        states: this.statesOf(track),
        ms: track?.first !== undefined && track.last !== undefined ? track.last - track.first : 0,
        ...(track?.transformMs === undefined ? {} : { transformMs: track.transformMs }),
        callbackMs: track?.callbackMs ?? 0,
      };
    });
  }

  private statesOf(track: Track | undefined): StateTiming[] {
    return [...(track?.timings.values() ?? [])].map(({ state, ms, attempts }) => ({ state, ms, attempts }));
  }
}
