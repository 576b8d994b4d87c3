import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PERMISSIONS } from '../constants.js';
import { route } from '../http/schemas/common.js';
import {
  EngineList, InstallAccepted, InstallRefused, PodmanStatusView, RequirementsView, SkuTable, StatusView, SystemInfo,
} from '../http/schemas/system.js';
import { listEngines, listSkus } from '../http/views/catalog.js';
import type { RouteOptions } from './route-options.js';

const get = (summary: string, ok: object) => route('system', summary, { response: { 200: ok } });

/** Module status, host requirements and Podman: read from the host on every call. */
export const systemRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx, services }) => {
  const onRequest = ctx.requireAuthenticated;

  app.get('/status', { onRequest, schema: get('Module status and a Podman check', StatusView) }, async () => services.system.status());
  app.get('/requirements', { onRequest, schema: get('Host requirements with ok/warn/fail, a fix and a verdict', RequirementsView) },
    async () => services.system.requirements());
  app.get('/system-info', { onRequest, schema: get('CPU, memory, data-dir disk and load of the host', SystemInfo) },
    async () => services.system.systemInfo());
  app.get('/podman/status', { onRequest, schema: get('Podman, its socket, runtime, cgroups, issues and install progress', PodmanStatusView) },
    async () => services.podman.status());
  app.post('/podman/install', {
    onRequest: ctx.requirePermission(PERMISSIONS.write),
    schema: route('system', 'Install and fix Podman in the background', { response: { 202: InstallAccepted, 409: InstallRefused } }, [403]),
  }, async (_req, reply) => {
    const result = await services.podman.install();
    if (!result.accepted) return reply.code(409).send({ error: 'CONFLICT', message: result.reason, commands: result.commands });
    return reply.code(202).send({ job_id: result.job.id, status_url: 'podman/status', install: result.job });
  });
  app.get('/engines', { onRequest, schema: get('The 25 engines with images, ports and capabilities', EngineList) }, async () => listEngines());
  app.get('/skus', { onRequest, schema: get('The SKU table with each series\' Podman behaviour', SkuTable) }, async () => listSkus());
};
