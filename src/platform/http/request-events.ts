import { Injectable } from '@nestjs/common';
import type { ErrorCode } from './api-error.js';
import type { MantisRequest } from './request-context.js';

export interface FailedRequest {
  req: MantisRequest;
  status: number;
  code: ErrorCode;
  message: string;
}

type Listener = (event: FailedRequest) => void | Promise<void>;

/**
 * Requests that end in an error (a guard's denial included) pass through the
 * error filter, which tells these listeners: the audit log and metrics subscribe.
 */
@Injectable()
export class RequestEvents {
  private readonly listeners: Listener[] = [];

  onFailure(listener: Listener): void {
    this.listeners.push(listener);
  }

  async emitFailure(event: FailedRequest): Promise<void> {
    for (const l of this.listeners) await l(event);
  }
}
