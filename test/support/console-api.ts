import { readFileSync, writeFileSync } from 'node:fs';
import openapiTS, { astToString } from 'openapi-typescript';

/** The console's typed client is generated from the app's own OpenAPI document into this file. */
export const CONSOLE_API_TYPES = new URL('../../src/console/src/api/schema.d.ts', import.meta.url);

const HEADER =
  "// Generated from the server's /docs/json by openapi-typescript; test/e2e/console-sessions.e2e-spec.ts fails when it drifts.\n// Regenerate: UPDATE_CONSOLE_API=1 npx vitest run test/e2e/console-sessions.e2e-spec.ts\n";

export async function renderConsoleApiTypes(doc: unknown): Promise<string> {
  return HEADER + astToString(await openapiTS(doc as never));
}

export function committedConsoleApiTypes(): string {
  return readFileSync(CONSOLE_API_TYPES, 'utf8');
}

export function writeConsoleApiTypes(text: string): void {
  writeFileSync(CONSOLE_API_TYPES, text);
}
