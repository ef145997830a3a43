import { createServer, type Server } from 'node:http';

export interface FakeUsage {
  input_tokens: number;
  output_tokens: number;
}

export interface FakeReply {
  content: ({ type: 'text'; text: string } | { type: 'tool_use'; id?: string; name: string; input: Record<string, unknown> })[];
  usage?: FakeUsage;
  stop_reason?: string;
}

export interface FakeRequest {
  /** The key the client authenticated with. */
  apiKey: string | undefined;
  body: Record<string, unknown> & { model?: string; messages?: unknown[]; max_tokens?: number; stream?: boolean };
}

let seq = 0;

export const toolUse = (name: string, input: Record<string, unknown>, usage?: FakeUsage): FakeReply => ({
  content: [{ type: 'tool_use', name, input }],
  usage,
  stop_reason: 'tool_use',
});

export const textReply = (text: string, usage?: FakeUsage): FakeReply => ({ content: [{ type: 'text', text }], usage, stop_reason: 'end_turn' });

/**
 * A fake Anthropic Messages API on 127.0.0.1 (`POST /v1/messages`, plain and
 * streaming). Each test scripts its answers in order (or with a function
 * that sees the request); every request is recorded with the x-api-key it carried.
 */
export interface FakeAnthropic {
  url: string;
  requests: FakeRequest[];
  /** Answers to give, in order; when exhausted, `fallback` answers. */
  script(replies: (FakeReply | ((req: FakeRequest) => FakeReply))[]): void;
  fallback: (req: FakeRequest) => FakeReply;
  close(): Promise<void>;
}

const DEFAULT_USAGE: FakeUsage = { input_tokens: 100, output_tokens: 20 };

export async function startFakeAnthropic(): Promise<FakeAnthropic> {
  let queue: (FakeReply | ((req: FakeRequest) => FakeReply))[] = [];
  const fake: FakeAnthropic = {
    url: '',
    requests: [],
    script(replies) {
      queue = [...replies];
    },
    fallback: () => textReply('ok'),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.startsWith('/v1/messages')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: 'not found' } }));
      }
      // The SDK sends the key as `x-api-key` or as a bearer token, depending on its version.
      const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const request: FakeRequest = {
        apiKey: (req.headers['x-api-key'] as string | undefined) ?? bearer,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      };
      fake.requests.push(request);
      const next = queue.shift() ?? fake.fallback;
      const reply = typeof next === 'function' ? next(request) : next;
      const message = {
        id: `msg_fake_${++seq}`,
        type: 'message',
        role: 'assistant',
        model: request.body.model ?? 'claude-sonnet-4-5',
        content: reply.content.map((b) => (b.type === 'tool_use' ? { ...b, id: b.id ?? `toolu_${++seq}` } : b)),
        stop_reason: reply.stop_reason ?? 'end_turn',
        stop_sequence: null,
        usage: { ...(reply.usage ?? DEFAULT_USAGE), cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      };
      if (!request.body.stream) {
        res.writeHead(200, { 'content-type': 'application/json', 'request-id': `req_${seq}` });
        return res.end(JSON.stringify(message));
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      send('message_start', { type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { ...message.usage, output_tokens: 1 } } });
      const text = message.content.map((b) => ('text' in b ? b.text : '')).join('');
      send('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
      for (const piece of text.match(/.{1,5}/gs) ?? [])
        send('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } });
      send('content_block_stop', { type: 'content_block_stop', index: 0 });
      send('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: message.stop_reason, stop_sequence: null },
        usage: { output_tokens: message.usage.output_tokens },
      });
      send('message_stop', { type: 'message_stop' });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return fake;
}
