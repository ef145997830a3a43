/** Run error codes the executor reports in `run.error.code` (the OpenAPI description: plans, and the run lifecycle). */
export type RunErrorCode =
  | 'step_failed'
  | 'assertion_failed'
  | 'selector_not_found'
  | 'navigation_failed'
  | 'domain_not_allowed'
  | 'destination_not_allowed'
  | 'secret_origin_not_allowed'
  | 'secret_not_found'
  | 'input_not_found'
  | 'invalid_state_key'
  | 'cost_limit_exceeded'
  | 'loop_limit_exceeded'
  | 'step_limit_exceeded'
  | 'model_error'
  | 'browser_error'
  | 'timed_out'
  | 'cancelled'
  | 'worker_shutdown';

/** A run-ending failure with a stable code; its message must never hold a secret value. */
export class RunFailure extends Error {
  constructor(
    readonly code: RunErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'RunFailure';
  }
}
