import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Headers of the UI's pages: no framing, no sniffing, no referrer, scripts from this origin only. */
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/** Whether `root` holds a built UI. */
export const uiBuilt = (root: string) => existsSync(path.join(root, 'index.html'));

/**
 * Serves the built UI: hashed assets cached for good, `index.html` for every page path the
 * client router knows (`/`, `/create`, `/databases/7`, ...), and a JSON 404 for anything under
 * `/api/` or with a file extension that does not exist.
 */
export async function serveUi(app: FastifyInstance, root: string): Promise<void> {
  await app.register(fastifyStatic, {
    root,
    index: false,
    setHeaders(res, file) {
      if (file.includes(`${path.sep}assets${path.sep}`)) res.header('cache-control', 'public, max-age=31536000, immutable');
      else res.header('cache-control', 'no-cache');
    },
  });
  const page = (reply: import('fastify').FastifyReply) => reply.headers(PAGE_HEADERS).type('text/html; charset=utf-8').sendFile('index.html');
  app.get('/', async (_request, reply) => page(reply));
  app.setNotFoundHandler(async (request, reply) => {
    const url = request.url.split('?')[0]!;
    const isPage = (request.method === 'GET' || request.method === 'HEAD') && !url.startsWith('/api/') && !path.extname(url);
    if (isPage) return page(reply);
    return reply.code(404).send({ error: 'NOT_FOUND', message: `no route ${request.method} ${url}` });
  });
}
