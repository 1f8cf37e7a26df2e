import http from 'node:http';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

/**
 * GraphQL over HTTP as a client sends it, on kept-alive sockets (node:http rather than
 * fetch: less client work in the process that also runs the server).
 */
export class GraphQLClient {
  private readonly agent: http.Agent;
  private readonly target: URL;

  constructor(
    url: string,
    private readonly token: string | null,
    sockets = 1,
  ) {
    this.target = new URL('/graphql', url);
    // Idle sockets are closed after 4 s, before the server's 5 s keep-alive timeout: a
    // socket the server is closing just as a request goes out fails with ECONNRESET.
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets, timeout: 4000 });
  }

  /** Runs a typed operation; throws on GraphQL errors, so a failed request never counts as a result. */
  async request<T, V>(document: TypedDocumentNode<T, V> | string, variables?: V): Promise<T> {
    const body = JSON.stringify({ query: typeof document === 'string' ? document : printed(document), variables });
    const text = await new Promise<string>((resolve, reject) => {
      const req = http.request(
        this.target,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    const result = JSON.parse(text) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
    if (result.errors?.length || !result.data) {
      const first = result.errors?.[0];
      throw new Error(
        `GraphQL error${first?.extensions?.code ? ` ${first.extensions.code}` : ''}: ${first?.message ?? text.slice(0, 200)}`,
      );
    }
    return result.data;
  }

  close(): void {
    this.agent.destroy();
  }
}

const cache = new WeakMap<object, string>();
export function printed<T, V>(document: TypedDocumentNode<T, V>): string {
  let text = cache.get(document);
  if (!text) {
    text = print(document);
    cache.set(document, text);
  }
  return text;
}
