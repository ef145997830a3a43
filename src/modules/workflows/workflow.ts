/** A workflow as the workflows module works with it (what `WorkflowsRepository` returns). */
export interface Workflow {
  id: string;
  teamId: string;
  name: string;
  description: string;
  /** A plan that passed `planSchema` when it was applied. */
  plan: unknown;
  version: number;
  digest: string;
  createdAt: Date;
  updatedAt: Date;
}
