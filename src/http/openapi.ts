import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { readManifest } from '../manifest.js';

/** Where the document and the docs page are served, under the module's mount path. */
export const OPENAPI_PATH = '/openapi.json';
export const DOCS_PATH = '/docs';

const TAGS = [
  { name: 'system', description: 'module status, host requirements, Podman, the engine and SKU catalogue' },
  { name: 'instances', description: 'create, start, stop, restart, delete; reconciliation' },
  { name: 'images', description: 'the engines\' images on this host; pulls with progress' },
  { name: 'monitoring', description: 'logs, stats, inspect, metrics, health' },
  { name: 'backups', description: 'snapshots, restore, export' },
  { name: 'data', description: 'connection details and the data browser' },
  { name: 'accounts', description: 'password rotation, users and inner databases, inside the engine' },
  { name: 'security', description: 'TLS (the module\'s CA, instance certificates) and the audit trail' },
];

/**
 * The OpenAPI document, built by @fastify/swagger from every route's TypeBox schemas, and
 * Swagger UI over it. Registered before the routes (the document collects them as they are
 * added). Both are served without a token: they hold no secret, and a browser opening the docs
 * page cannot send a bearer header; every operation in them still needs one.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  const manifest = readManifest();
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: `Flux ${manifest.display_name} module (${manifest.module_id})`,
        version: manifest.version,
        description: `Database-as-a-Service on Podman for 25 engines.\n\nErrors are \`{ error, message }\` with a code of the module's error catalogue (README).`,
      },
      tags: TAGS,
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'the host\'s admin (read+write) or read token' } } },
    },
  });
  // indexPrefix: the page's asset links are absolute; they need the mount path this plugin is under.
  await app.register(swaggerUi, { routePrefix: DOCS_PATH, indexPrefix: app.prefix, uiConfig: { docExpansion: 'list', persistAuthorization: false } });
  app.get(OPENAPI_PATH, { schema: { hide: true } }, async () => app.swagger());
}
