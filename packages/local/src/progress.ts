/** What the local pipeline reports while it runs. */
export type PipelineProgress =
  /** A state of the state machine was entered, left, retried, failed or caught. */
  | { kind: 'state'; state: string; phase: 'entered' | 'exited' | 'failed' | 'retried' | 'caught'; error?: string; cause?: string; attempt?: number }
  /** A transform job ended. */
  | { kind: 'transform'; job: string; status: string; ms: number; rows?: number | undefined; reason?: string | undefined }
  /** The callback ran (`outcome`) or a delivery failed (`error`, retried by the bus). */
  | { kind: 'callback'; attempt: number; outcome?: string; error?: string; cause?: string; ms?: number }
  /** A quality alert was published to the (local) alarm topic: one per sensor and episode. */
  | { kind: 'alert'; subject: string; message: string };
