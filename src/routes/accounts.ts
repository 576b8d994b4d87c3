import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { PERMISSIONS } from '../constants.js';
import {
  CreateDatabaseBody, CreatedUserView, CreateUserBody, DatabaseParams, DatabasesView, DeletedUserView, DropDatabaseQuery,
  DroppedDatabaseView, DatabaseEntry, RotateBody, RotationView, UserParams, UsersView,
} from '../http/schemas/accounts.js';
import { IdParams, route } from '../http/schemas/common.js';
import type { Caller } from '../services/database-operations.js';
import type { RouteOptions } from './route-options.js';

const tag = 'accounts';
/** 404 instance, 409 not running or a name taken, 501 declared only, 502 the engine refused. */
const ERRORS = [403, 404, 409, 501, 502] as const;

/** The caller as the audit trail will see it; its identity is filled in there. */
const callerOf = (request: FastifyRequest): Caller => ({ actor: 'api', address: request.ip });

/**
 * Passwords, users and inner databases inside an instance's engine. Readers list; only writers
 * create, rotate or delete, and only the rotate and create-user answers carry a password (the
 * new one, once).
 */
export const accountRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx, services }) => {
  const { accounts, instances } = services;
  const read = ctx.requirePermission(PERMISSIONS.read);
  const write = ctx.requirePermission(PERMISSIONS.write);

  app.post('/databases/:id/credentials/rotate', {
    onRequest: write,
    // A rotation with every default needs no body; an empty one is the same request.
    preValidation: async (request) => { request.body ??= {}; },
    schema: route(tag, 'Rotate the admin\'s (or a user\'s) password inside the engine, checked there before the answer',
      { params: IdParams, body: RotateBody, response: { 200: RotationView } }, [...ERRORS]),
  }, async (request) => {
    const id = Number(request.params.id);
    const body = request.body;
    const out = await accounts.rotate(id, { username: body.username, password: body.password, graceSeconds: body.grace_seconds }, callerOf(request));
    const connection = out.admin ? await instances.reads.connection(await instances.get(id), true) : undefined;
    return {
      username: out.username, instance_admin: out.admin, password: out.password, rotated_at: out.rotatedAt.toISOString(),
      grace_until: out.graceUntil?.toISOString() ?? null, ...(connection ? { connection } : {}),
    };
  });

  app.get('/databases/:id/users', {
    onRequest: read,
    schema: route(tag, 'The engine\'s users beside the ones the module created, and the drift between them', { params: IdParams, response: { 200: UsersView } }, [...ERRORS]),
  }, async (request) => accounts.users.list(Number(request.params.id)));

  app.post('/databases/:id/users', {
    onRequest: write,
    schema: route(tag, 'Create a user with a role (admin, readwrite, readonly) inside the engine', { params: IdParams, body: CreateUserBody, response: { 201: CreatedUserView } }, [...ERRORS]),
  }, async (request, reply) => {
    const b = request.body;
    const created = await accounts.users.create(Number(request.params.id), { username: b.username, password: b.password, role: b.role, databases: b.databases, keys: b.keys }, callerOf(request));
    return reply.code(201).send(created);
  });

  app.delete('/databases/:id/users/:name', {
    onRequest: write,
    schema: route(tag, 'Delete a user inside the engine (never the instance\'s admin)', { params: UserParams, response: { 200: DeletedUserView } }, [...ERRORS]),
  }, async (request) => accounts.users.remove(Number(request.params.id), request.params.name, callerOf(request)));

  app.get('/databases/:id/databases', {
    onRequest: read,
    schema: route(tag, 'The engine\'s own list of databases, beside the ones the module created', { params: IdParams, response: { 200: DatabasesView } }, [...ERRORS]),
  }, async (request) => accounts.databases.list(Number(request.params.id)));

  app.post('/databases/:id/databases', {
    onRequest: write,
    schema: route(tag, 'Create a database inside the engine', { params: IdParams, body: CreateDatabaseBody, response: { 201: DatabaseEntry } }, [...ERRORS]),
  }, async (request, reply) => reply.code(201).send(await accounts.databases.create(Number(request.params.id), request.body.name, callerOf(request))));

  app.delete('/databases/:id/databases/:name', {
    onRequest: write,
    schema: route(tag, 'Drop a database inside the engine; ?confirm= must repeat its name', { params: DatabaseParams, querystring: DropDatabaseQuery, response: { 200: DroppedDatabaseView } }, [...ERRORS]),
  }, async (request) => accounts.databases.drop(Number(request.params.id), request.params.name, request.query.confirm, callerOf(request)));
};
