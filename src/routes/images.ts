import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PERMISSIONS } from '../constants.js';
import { NoQuery, route } from '../http/schemas/common.js';
import { ImageList, PullAccepted, PullImageBody } from '../http/schemas/images.js';
import type { RouteOptions } from './route-options.js';

const tag = 'images';

/** The engines' images: prepare a host (pre-pull) before the first create, and see what is there. */
export const imageRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx, services }) => {
  const { images } = services;

  app.get('/images', {
    onRequest: ctx.requirePermission(PERMISSIONS.read),
    schema: route(tag, 'Each engine\'s image: present or not, size, digest, and any pull', { querystring: NoQuery, response: { 200: ImageList } }, [403, 503]),
  }, async () => ({ images: await images.list() }));

  app.post('/images/pull', {
    onRequest: ctx.requirePermission(PERMISSIONS.write),
    schema: route(tag, 'Pull an engine\'s image in the background (shared with creates of the same image)', { body: PullImageBody, response: { 202: PullAccepted } }, [403]),
  }, async (request, reply) => {
    const { image, pull } = images.pull(request.body.engine, request.body.version);
    const message = pull.state === 'pulling' ? `Pulling ${image.image}; GET /images shows its progress` : `Pull of ${image.image} ${pull.state}`;
    return reply.code(202).send({ message, image, pull });
  });
};
