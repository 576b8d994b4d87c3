import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from '../src/config.js';
import { migrateUp } from '../src/db/migrator.js';
import { openStore, type Store } from '../src/db/store.js';
import { createServices, databasesPlugin, onDisable, onEnable, type HookResult, type ModuleContext, type Services } from '../src/index.js';
import { readManifest } from '../src/manifest.js';
import { createAuth, resolveTokens } from './auth.js';
import { placeholderPage } from './placeholder-page.js';
import { registerSessionRoutes } from './session-routes.js';
import { SessionStore } from './session.js';
import { FRONTEND_DIST } from './ui-build.js';
import { serveUi, uiBuilt } from './ui-static.js';

export interface HostOverrides {
  /** Replaces module services (tests pass fakes). */
  services?: Partial<Services>;
  /** An already open store to share between hosts in one test file; the host will not close it. */
  store?: Store;
  /** Fastify logger setting; default: pino at config.logLevel. Tests pass a stream to read every line. */
  logger?: boolean | { level: string; stream: { write(line: string): void } };
  /** Runs on the bare Fastify instance before anything is registered (tests add hooks that must see every route). */
  configure?: (app: FastifyInstance) => void;
}

export interface HostInfo {
  ctx: ModuleContext;
  storeKind: Store['kind'];
  /** File holding generated tokens, or null when both came from the environment. */
  tokensFile: string | null;
  enable: HookResult;
  /** The module's services (tests reach the reconciler or the runtime the routes use). */
  services: Services;
  /** Browser sessions of the UI and their one-time sign-in links. */
  sessions: SessionStore;
}

export type HostApp = FastifyInstance & { flux: HostInfo };

/**
 * A stand-in for the Flux host: store + migrations, tokens, the module context, the enable
 * hook, the module's plugin under its mount path, and the UI at `/`. Closing the app runs
 * the disable hook and closes the store.
 */
export async function buildHost(config: Readonly<Config>, overrides: HostOverrides = {}): Promise<HostApp> {
  const manifest = readManifest();
  const app = Fastify({
    logger: typeof overrides.logger === 'object'
      ? { ...overrides.logger, redact: ['req.headers.authorization'] }
      : overrides.logger ?? { level: config.logLevel, redact: ['req.headers.authorization'] },
    // Fastify's default (100) would answer 414 before the schema sees a 128-character table name.
    routerOptions: { maxParamLength: 256 },
  });
  overrides.configure?.(app);
  const store = overrides.store ?? (await openStore(config, app.log));
  try {
    await migrateUp(store.db);
    const tokens = await resolveTokens(config, app.log);
    const sessions = new SessionStore();
    const { roleOf, ...guards } = createAuth(tokens, sessions);
    const ctx: ModuleContext = {
      db: store.db,
      ...guards,
      logger: app.log.child({ module: manifest.module_id }),
      dataDir: path.join(config.dataDir, 'modules', manifest.name),
      config,
    };
    // One set of services for the hook and the routes: an install the hook starts shows in /podman/status.
    const services = createServices(ctx, overrides.services);
    const enable = await onEnable(ctx, services.podman);
    for (const w of enable.warnings) app.log.warn(w);
    app.decorate('flux', { ctx, storeKind: store.kind, tokensFile: tokens.file, enable, services, sessions } satisfies HostInfo);

    await app.register(databasesPlugin, { prefix: manifest.backend.mount, ctx, services });
    registerSessionRoutes(app, { roleOf }, sessions);
    if (uiBuilt(FRONTEND_DIST)) await serveUi(app, FRONTEND_DIST);
    else app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(placeholderPage(manifest)));

    app.addHook('onClose', async () => {
      await onDisable(ctx);
      if (!overrides.store) await store.close();
    });
    return app as unknown as HostApp;
  } catch (err) {
    if (!overrides.store) await store.close();
    throw err;
  }
}
