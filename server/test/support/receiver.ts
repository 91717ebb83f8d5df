import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  body: any;
  answered: number;
}

/**
 * `hold`: do not answer yet: the request stays open until `release()` answers it, the sender gives up, or the
 * sender dies.
 */
export type Answer = { status: number; headers?: Record<string, string>; hold?: boolean };

/**
 * A real HTTP endpoint on 127.0.0.1 standing in for an orchestrator: records every request and answers what
 * `answer` says for it (200 by default). `answer` sees the requests received before this one.
 */
export async function startReceiver(
  answer: (request: Omit<ReceivedRequest, 'answered'>, earlier: ReceivedRequest[]) => Answer = () => ({ status: 200 }),
): Promise<{
  url: string;
  requests: ReceivedRequest[];
  /** How many held requests are still open (not answered, and not given up by the sender). */
  held(): number;
  /** Answers every request held so far with `status`. */
  release(status?: number): void;
  close(): Promise<void>;
  server: Server;
}> {
  const requests: ReceivedRequest[] = [];
  const held = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = null;
      try {
        body = raw ? JSON.parse(raw) : null;
      } catch {
        body = raw;
      }
      const request = { path: req.url ?? '/', headers: req.headers, raw, body };
      const { status, headers, hold } = answer(request, requests);
      requests.push({ ...request, answered: status });
      if (hold) {
        held.add(res);
        res.on('close', () => held.delete(res));
        return;
      }
      res.writeHead(status, { 'content-type': 'application/json', ...(headers ?? {}) }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    server,
    held: () => held.size,
    release: (status = 200) => {
      for (const res of [...held]) {
        held.delete(res);
        res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
