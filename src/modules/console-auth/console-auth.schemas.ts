import { z } from 'zod';
import { meSchema } from '../me/me.schemas.js';

export const apiKeySignInSchema = z.object({ api_key: z.string().min(1).max(512) }).strict();
export type ApiKeySignIn = z.infer<typeof apiKeySignInSchema>;

export const sessionSchema = z.object({
  csrf_token: z.string().describe('send as X-CSRF-Token on every state-changing request made with the session cookie'),
  principal: meSchema,
});

export const authMethodsSchema = z.object({ sso: z.boolean(), api_key: z.boolean() });
