import { createServer, type Server } from 'node:http';

/**
 * An "internal" service the browser must never reach: HTTP on another
 * loopback address (127.0.0.2 by default, which Linux routes to `lo`). It
 * counts every TCP connection, so a test proves not even a handshake got
 * through, whatever the protocol (HTTP, WebSocket upgrade, TLS).
 */
export interface InternalServer {
  url: string;
  host: string;
  port: number;
  connections: number;
  requests: string[];
  close(): Promise<void>;
}

export async function startInternalServer(host = '127.0.0.2'): Promise<InternalServer> {
  const s: InternalServer = { url: '', host, port: 0, connections: 0, requests: [], close: async () => undefined };
  const server: Server = createServer((req, res) => {
    s.requests.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'text/html', 'access-control-allow-origin': '*' });
    res.end('<title>internal</title><p id="secret">INTERNAL-ONLY</p>');
  });
  server.on('connection', () => s.connections++);
  server.on('upgrade', (req, socket) => {
    s.requests.push(`UPGRADE ${req.url}`);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  s.port = (server.address() as { port: number }).port;
  s.url = `http://${host.includes(':') ? `[${host}]` : host}:${s.port}`;
  s.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return s;
}
