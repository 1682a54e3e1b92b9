/** What the local pipeline reports while it runs. `parameter` names the parameter's run an event belongs to. */
export type PipelineProgress =
  /** A state of the state machine was entered, left, retried, failed or caught (inside the Map: in `parameter`'s run). */
  | { kind: 'state'; state: string; phase: 'entered' | 'exited' | 'failed' | 'retried' | 'caught'; parameter?: string; error?: string; cause?: string; attempt?: number }
  /** The execution planned its parameters: these are filled, those have no model. */
  | { kind: 'plan'; parameters: string[]; withoutModel: string[] }
  /** A transform job ended. */
  | { kind: 'transform'; job: string; parameter?: string; status: string; ms: number; rows?: number | undefined; reason?: string | undefined }
  /** The callback ran (`outcome`) or a delivery failed (`error`, retried by the bus). */
  | { kind: 'callback'; attempt: number; parameter?: string; outcome?: string; error?: string; cause?: string; ms?: number }
  /** A quality alert was published to the (local) alarm topic: one per sensor and episode. */
  | { kind: 'alert'; subject: string; message: string };
