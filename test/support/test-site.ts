import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * A small website on 127.0.0.1 for executor tests: pages for every plan step,
 * a login form with a session cookie, redirects, window.open, meta refresh and
 * a form post to any URL. It records every request with its Host header, so a
 * test can prove a blocked host never received one.
 */
export interface TestSite {
  url: string;
  port: number;
  /** The same server under another host name (for allowlist tests). */
  otherHostUrl: string;
  hits: { host: string; method: string; path: string; body: string }[];
  close(): Promise<void>;
}

const page = (title: string, body: string, head = '') =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>${head}</head><body>${body}</body></html>`;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startTestSite(opts: { password?: string } = {}): Promise<TestSite> {
  const password = opts.password ?? 'correct horse';
  const sessions = new Map<string, string>();
  const hits: TestSite['hits'] = [];

  const routes: Record<string, (req: IncomingMessage, res: ServerResponse, q: URLSearchParams, body: string) => void> = {
    '/': (_req, res) => html(res, page('Home', `<h1 id="title">Mantis test site</h1><a id="next" href="/list">List</a><p class="lead">Welcome aboard</p>`)),
    '/list': (_req, res) =>
      html(
        res,
        page(
          'List',
          `<h1>Items</h1><ul><li class="item" data-id="a1">Alpha</li><li class="item" data-id="b2">Beta</li><li class="item" data-id="c3">Gamma</li></ul><a id="home" href="/">Home</a>`,
        ),
      ),
    '/form': (_req, res) =>
      html(
        res,
        page(
          'Form',
          `<input id="name" placeholder="Your name"><button id="greet" onclick="document.getElementById('out').textContent='Hello, '+document.getElementById('name').value">Greet</button>
           <p id="out"></p>
           <input id="key" onkeydown="if(event.key==='Enter'){document.getElementById('pressed').textContent='Enter pressed'}"><p id="pressed"></p>
           <script>setTimeout(()=>{const d=document.createElement('div');d.id='late';d.textContent='Arrived late';document.body.appendChild(d)},300)</script>`,
        ),
      ),
    '/login': (req, res, _q, body) => {
      if (req.method === 'POST') {
        const form = new URLSearchParams(body);
        if (form.get('password') !== password) return html(res, page('Login', '<p id="error">Wrong password</p>'), 401);
        const sid = randomBytes(8).toString('hex');
        sessions.set(sid, form.get('user') ?? '');
        res.writeHead(302, { location: '/account', 'set-cookie': `sid=${sid}; Path=/; HttpOnly` });
        return res.end();
      }
      html(
        res,
        page(
          'Login',
          `<form method="post" action="/login"><input id="user" name="user"><input id="password" name="password" type="password"><button id="login" type="submit">Sign in</button></form>`,
        ),
      );
    },
    '/account': (req, res) => {
      const sid = /(?:^|;\s*)sid=([0-9a-f]+)/.exec(req.headers.cookie ?? '')?.[1];
      const user = sid ? sessions.get(sid) : undefined;
      html(res, page('Account', user ? `<p id="who">Signed in as ${esc(user)}</p>` : '<p id="who">Anonymous</p>'));
    },
    '/redirect': (_req, res, q) => {
      // delay_ms: a slow server, whose answer comes after the step that asked for it has returned.
      setTimeout(
        () => {
          res.writeHead(Number(q.get('status') ?? 302), { location: q.get('to') ?? '/' });
          res.end();
        },
        Number(q.get('delay_ms') ?? 0),
      );
    },
    '/popup': (_req, res, q) => html(res, page('Popup', `<button id="open" onclick="window.open(${esc(JSON.stringify(q.get('to') ?? '/'))})">Open</button>`)),
    '/meta': (_req, res, q) => html(res, page('Meta', '<p>Moving on</p>', `<meta http-equiv="refresh" content="0;url=${esc(q.get('to') ?? '/')}">`)),
    '/post-form': (_req, res, q) =>
      html(
        res,
        page(
          'Post',
          `<form method="post" action="${esc(q.get('action') ?? '/echo')}"><input id="field" name="field" value="x"><button id="send" type="submit">Send</button></form>`,
        ),
      ),
    /** Any page a test needs: `?html=` is served as the body (the site is a fake under the test's control). */
    '/raw': (_req, res, q) => html(res, page('Raw', q.get('html') ?? '')),
    /** A same-origin script (`?src=`), for service and shared workers. */
    '/js': (_req, res, q) => {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(q.get('src') ?? '');
    },
    '/echo': (req, res, _q, body) => html(res, page('Echo', `<pre id="echo">${esc(req.method + ' ' + body)}</pre>`)),
  };

  function html(res: ServerResponse, text: string, status = 200) {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
    res.end(text);
  }

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const u = new URL(req.url ?? '/', 'http://site');
    hits.push({ host: req.headers.host ?? '', method: req.method ?? 'GET', path: u.pathname + u.search, body });
    const route = routes[u.pathname];
    if (!route) return html(res, page('Not found', '<h1>Not found</h1>'), 404);
    route(req, res, u.searchParams, body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    otherHostUrl: `http://localhost:${port}`,
    port,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
