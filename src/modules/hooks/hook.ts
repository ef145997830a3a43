/** How a hook's caller authenticates: an operator's key or token, or nothing (its own bucket). */
export const HOOK_AUTH = ['token', 'none'] as const;
export type HookAuth = (typeof HOOK_AUTH)[number];

/** An inbound hook as the hooks module works with it (what `HooksRepository` returns). */
export interface Hook {
  id: string;
  path: string;
  teamId: string;
  team: { slug: string };
  workflowName: string;
  auth: HookAuth;
  rateLimitPerMinute: number;
  createdAt: Date;
  updatedAt: Date;
}
