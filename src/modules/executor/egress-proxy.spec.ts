import { createServer, request, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EgressProxy, type EgressBlock, type HostResolver } from './egress-proxy.js';

/** A real HTTP server on a loopback address that counts connections. */
async function server(host: string): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let n = 0;
  const s: Server = createServer((_req, res) => res.end(`hello from ${host}`));
  s.on('connection', () => n++);
  await new Promise<void>((resolve) => s.listen(0, host, resolve));
  return {
    port: (s.address() as { port: number }).port,
    connections: () => n,
    close: () => new Promise<void>((resolve) => (s.closeAllConnections(), s.close(() => resolve()))),
  };
}

function viaProxy(proxy: EgressProxy, url: string): Promise<{ status: number; body: string }> {
  const p = new URL(proxy.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: p.hostname, port: p.port, path: url, headers: { host: new URL(url).host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connectVia(proxy: EgressProxy, target: string): Promise<number> {
  const p = new URL(proxy.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: p.hostname, port: p.port, method: 'CONNECT', path: target });
    req.on('connect', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('EgressProxy', () => {
  let site: Awaited<ReturnType<typeof server>>;
  let internal: Awaited<ReturnType<typeof server>>;
  let proxy: EgressProxy;
  const blocks: EgressBlock[] = [];
  let rebindCalls = 0;
  // A name server under the test's control: the only fake, at the network edge.
  const resolve: HostResolver = async (host) => {
    if (host === 'site.test') return ['127.0.0.1'];
    if (host === 'internal.test') return ['127.0.0.2'];
    if (host === 'mixed.test') return ['127.0.0.2', '127.0.0.1'];
    if (host === 'rebind.test') return rebindCalls++ === 0 ? ['127.0.0.1'] : ['127.0.0.2'];
    throw new Error('ENOTFOUND');
  };

  beforeAll(async () => {
    site = await server('127.0.0.1');
    internal = await server('127.0.0.2');
    proxy = await EgressProxy.start({
      policy: { allowPrivate: false, privateRanges: ['127.0.0.1/32'] },
      allowedDomains: [],
      resolve,
      onBlock: (b) => blocks.push(b),
    });
  });
  afterAll(async () => {
    await proxy?.close();
    await Promise.all([site?.close(), internal?.close()]);
  });

  it('forwards to an allowed address and refuses the internal one, by literal and by name', async () => {
    expect(await viaProxy(proxy, `http://site.test:${site.port}/`)).toEqual({ status: 200, body: 'hello from 127.0.0.1' });
    expect((await viaProxy(proxy, `http://127.0.0.2:${internal.port}/`)).status).toBe(403);
    expect((await viaProxy(proxy, `http://internal.test:${internal.port}/`)).status).toBe(403);
    expect((await viaProxy(proxy, `http://[::ffff:127.0.0.2]:${internal.port}/`)).status).toBe(403);
    expect(blocks.at(-1)).toMatchObject({ code: 'destination_not_allowed', reason: 'address_not_allowed' });
    expect(internal.connections()).toBe(0);
  });

  it('connects to the address it checked, so a second DNS answer (rebinding) cannot reach the internal server', async () => {
    expect((await viaProxy(proxy, `http://rebind.test:${internal.port}/`)).status).not.toBe(200); // first answer: 127.0.0.1, where nothing listens on that port
    expect((await viaProxy(proxy, `http://rebind.test:${internal.port}/`)).status).toBe(403); // second answer: 127.0.0.2, refused
    expect(internal.connections()).toBe(0);
  });

  it('uses only an allowed address of a name that also resolves to a refused one', async () => {
    expect(await viaProxy(proxy, `http://mixed.test:${site.port}/`)).toEqual({ status: 200, body: 'hello from 127.0.0.1' });
    expect(internal.connections()).toBe(0);
  });

  it('refuses CONNECT tunnels (https, WebSocket) to the internal address', async () => {
    expect(await connectVia(proxy, `127.0.0.2:${internal.port}`)).toBe(403);
    expect(await connectVia(proxy, `internal.test:${internal.port}`)).toBe(403);
    expect(blocks.at(-1)).toMatchObject({ url: `https://internal.test:${internal.port}`, reason: 'address_not_allowed' });
    expect(internal.connections()).toBe(0);
  });

  it('holds every host to a non-empty allowlist', async () => {
    const strict = await EgressProxy.start({
      policy: { allowPrivate: true, privateRanges: [] },
      allowedDomains: ['site.test'],
      resolve,
      onBlock: (b) => blocks.push(b),
    });
    try {
      expect((await viaProxy(strict, `http://site.test:${site.port}/`)).status).toBe(200);
      expect((await viaProxy(strict, `http://127.0.0.1:${site.port}/`)).status).toBe(403);
      expect(blocks.at(-1)).toMatchObject({ code: 'domain_not_allowed' });
    } finally {
      await strict.close();
    }
  });
});
