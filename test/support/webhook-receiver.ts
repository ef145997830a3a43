import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** What the receiver answered. */
  status: number;
  /** When it arrived (ms since the epoch). */
  at: number;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  /** Never answer (the sender must time out). */
  hang?: boolean;
}

/** Answers in order; the last one repeats. */
export type Responder = (req: { path: string; count: number }) => Answer;

/**
 * Standard Webhooks verification written out by hand: HMAC-SHA256 keyed with
 * the base64 part of a `whsec_` secret over "id.timestamp.body", compared in
 * constant time with each space-separated `v1,` signature.
 */
export function verifyByHand(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const id = headers['webhook-id'];
  const ts = headers['webhook-timestamp'];
  const sig = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof ts !== 'string' || typeof sig !== 'string') return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest();
  return sig.split(' ').some((entry) => {
    const [version, value] = entry.split(',');
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/** Verification with the reference `standardwebhooks` package (timestamp tolerance included). */
export function verifyWithLibrary(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  try {
    new Webhook(secret).verify(body, headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

/** A webhook receiver on 127.0.0.1 recording every request it gets. */
export class WebhookReceiver {
  readonly requests: ReceivedWebhook[] = [];
  private responder: Responder = () => ({ status: 200 });
  private readonly hanging = new Set<() => void>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<WebhookReceiver> {
    let self!: WebhookReceiver;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        const count = self.requests.filter((r) => r.path === path).length;
        const answer = self.responder({ path, count });
        self.requests.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status: answer.status, at: Date.now() });
        if (answer.hang) {
          const end = () => res.destroy();
          self.hanging.add(end);
          return;
        }
        res.writeHead(answer.status, answer.headers ?? {});
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self = new WebhookReceiver(server);
    return self;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Answers per path: `answers[n]` for the n-th request to a path, the last one after that. */
  answer(answers: Answer[] | Responder): void {
    this.responder = typeof answers === 'function' ? answers : ({ count }) => answers[Math.min(count, answers.length - 1)];
  }

  to(path: string): ReceivedWebhook[] {
    return this.requests.filter((r) => r.path === path);
  }

  async close(): Promise<void> {
    for (const end of this.hanging) end();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
