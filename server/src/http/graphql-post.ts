import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApolloServer, type BaseContext, HeaderMap } from '@apollo/server';
import { BODY_REFUSALS, MAX_BODY_BYTES } from './guards.js';

/**
 * The API's usual request, a JSON POST to /graphql, straight from node:http to Apollo:
 * the dashboard's pages and the devices' batches are nearly all the server's requests,
 * and Express's router, express.json and the Express integration in front of them were a
 * tenth of the server thread's work for one (tests/bench, the bbox and ingest rows).
 * Everything else (GET, other content types or encodings, CORS when configured, the
 * dashboard's files) goes through Express as before; a request taken here is answered as
 * Express would have answered it: the same limit, the same errors, no-store.
 */
export function takesGraphQLPost(req: IncomingMessage): boolean {
  if (req.method !== 'POST' || req.headers['content-encoding'] !== undefined) return false;
  const url = req.url ?? '';
  if (url !== '/graphql' && !url.startsWith('/graphql?')) return false;
  const type = req.headers['content-type']?.toLowerCase().replace(/\s+/g, '');
  return type === 'application/json' || type === 'application/json;charset=utf-8';
}

/** The same answers as guards.ts bodyErrors gives. */
function refuse(res: ServerResponse, status: keyof typeof BODY_REFUSALS): void {
  const body = JSON.stringify(BODY_REFUSALS[status]);
  res.writeHead(status, {
    'Cache-Control': 'no-store',
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** Reads a JSON body of at most MAX_BODY_BYTES; null once the request has been answered with an error. */
function readBody(req: IncomingMessage, res: ServerResponse): Promise<unknown | null> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    if (declared > MAX_BODY_BYTES) {
      // As express.json: refused before reading; the rest of the body is drained, not read.
      req.resume();
      refuse(res, 413);
      return resolve(null);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) over = true;
      else chunks.push(chunk);
    });
    req.on('error', () => resolve(null));
    req.on('end', () => {
      if (over) {
        refuse(res, 413);
        return resolve(null);
      }
      const text = Buffer.concat(chunks, size).toString('utf8');
      // express.json's strict mode: an object or an array, nothing else.
      const first = text.trimStart()[0];
      if (first !== '{' && first !== '[') {
        refuse(res, 400);
        return resolve(null);
      }
      try {
        resolve(JSON.parse(text));
      } catch {
        refuse(res, 400);
        resolve(null);
      }
    });
  });
}

/**
 * Answers a request takesGraphQLPost took: the body read and parsed, then Apollo's HTTP
 * handling as @as-integrations/express5 does it (the same headers and search), then the
 * answer written in one go.
 */
export function graphqlPost<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  context: (req: IncomingMessage, res: ServerResponse) => Promise<TContext>,
) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const body = await readBody(req, res);
      if (body === null) return;
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      const url = req.url ?? '';
      const query = url.indexOf('?');
      const answer = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: 'POST', headers, search: query < 0 ? '' : url.slice(query), body },
        context: () => context(req, res),
      });
      res.statusCode = answer.status ?? 200;
      res.setHeader('Cache-Control', 'no-store');
      for (const [key, value] of answer.headers) res.setHeader(key, value);
      if (answer.body.kind === 'complete') {
        res.setHeader('Content-Length', Buffer.byteLength(answer.body.string));
        res.end(answer.body.string);
        return;
      }
      for await (const chunk of answer.body.asyncIterator) res.write(chunk);
      res.end();
    } catch {
      // Apollo answers every error of an operation itself; this is a failure around it.
      if (!res.headersSent) res.writeHead(500, { 'Cache-Control': 'no-store' });
      res.end();
    }
  };
}
