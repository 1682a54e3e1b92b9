/** One chunk's run of an execution: the parameter, its chunk (0 for the first), the run id. */
export interface ChunkRun {
  parameter: string;
  chunk: number;
  runId: string;
}

/** What the local pipeline reports while it runs. `parameter`, `chunk` and `runId` name the chunk's run an event belongs to. */
export type PipelineProgress =
  /** A state of the state machine was entered, left, retried, failed or caught (inside the Map: in a chunk's run). */
  | ({ kind: 'state'; state: string; phase: 'entered' | 'exited' | 'failed' | 'retried' | 'caught'; error?: string; cause?: string; attempt?: number } & Partial<ChunkRun>)
  /** The execution planned its parameters: these are filled, those have no model. */
  | { kind: 'plan'; parameters: string[]; withoutModel: string[]; chunks: Record<string, number> }
  /** A transform job ended. */
  | ({ kind: 'transform'; job: string; status: string; ms: number; rows?: number | undefined; reason?: string | undefined } & Partial<ChunkRun>)
  /** The callback ran (`outcome`) or a delivery failed (`error`, retried by the bus). */
  | ({ kind: 'callback'; attempt: number; outcome?: string; error?: string; cause?: string; ms?: number } & Partial<ChunkRun>)
  /** A quality alert was published to the (local) alarm topic: one per sensor and episode. */
  | { kind: 'alert'; subject: string; message: string };
