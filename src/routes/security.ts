import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { TSchema } from 'typebox';
import { PERMISSIONS } from '../constants.js';
import { IdParams, route } from '../http/schemas/common.js';
import { CaCertificatePem, InstanceTlsView, TlsBody, TlsReplacedView } from '../http/schemas/tls.js';
import { tlsView } from '../http/views/security-views.js';
import type { RouteOptions } from './route-options.js';

const tag = 'security';

/**
 * TLS: the module CA's certificate (what clients verify module-issued certificates with), an
 * instance's certificate (public facts, never the key), and replacing it. Only writers replace.
 */
export const securityRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx, services }) => {
  const read = ctx.requirePermission(PERMISSIONS.read);
  const write = ctx.requirePermission(PERMISSIONS.write);
  const { tls, instances } = services;

  app.get('/tls/ca', {
    onRequest: read,
    schema: route(tag, 'The module CA\'s certificate (PEM), to verify the certificates it issues to instances', { response: { 200: CaCertificatePem as unknown as TSchema } }, [403]),
  }, async (_request, reply) => reply.type('application/x-pem-file').send(await tls.caCertificate()));

  app.get('/databases/:id/tls', {
    onRequest: read,
    schema: route(tag, 'The certificate the instance serves: subject, issuer, names, validity, fingerprint (never its key)',
      { params: IdParams, response: { 200: InstanceTlsView } }, [403, 404]),
  }, async (request) => tlsView(await tls.describe(await instances.get(Number(request.params.id)))));

  app.put('/databases/:id/tls', {
    onRequest: write,
    schema: route(tag, 'Replace the instance\'s certificate (the operator\'s, or a new one from the module\'s CA); the engine reloads it, or restarts',
      { params: IdParams, body: TlsBody, response: { 200: TlsReplacedView } }, [403, 404, 409, 501, 502]),
  }, async (request) => {
    const out = await tls.replace(Number(request.params.id), request.body);
    return { tls: tlsView(out.tls), applied: out.applied };
  });
};
