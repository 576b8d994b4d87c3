import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { internal, ModuleError, notImplemented } from '../../src/errors.js';
import { errorHandler } from '../../src/http/error-handler.js';
import { memoryLogger } from '../helpers/logger.js';

function app() {
  const logger = memoryLogger();
  const a = Fastify();
  a.setValidatorCompiler(TypeBoxValidatorCompiler);
  a.setErrorHandler(errorHandler(logger));
  a.get('/later', async () => { throw notImplemented('Backups arrive with the backup issue'); });
  a.get('/down', async () => { throw new ModuleError('PODMAN_UNAVAILABLE', 'Podman API is not reachable', { cause: new Error('connect ENOENT /run/secret.sock') }); });
  a.get('/podman-said', async () => { throw internal('create container db-x failed: crun: /var/lib/secret-path', new Error('x')); });
  a.get('/boom', async () => { throw new Error('relation "620600_databases_x" does not exist at /srv/app'); });
  a.post('/body', { schema: { body: Type.Object({ name: Type.String({ minLength: 1 }) }) } }, async () => ({ ok: true }));
  return { a, logger };
}

describe('the module error handler', () => {
  it('keeps coded errors, without their cause', async () => {
    const { a, logger } = app();
    expect((await a.inject('/later')).json()).toEqual({ error: 'NOT_IMPLEMENTED', message: 'Backups arrive with the backup issue' });
    const down = await a.inject('/down');
    expect(down.statusCode).toBe(503);
    expect(down.body).not.toContain('secret.sock');
    expect(logger.lines.join('\n')).toContain('secret.sock');
  });

  it('hides the detail of unexpected errors and logs it', async () => {
    const { a, logger } = app();
    const res = await a.inject('/boom');
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: 'INTERNAL', message: expect.stringContaining('server log') });
    expect(res.body).not.toContain('620600');
    expect(logger.lines.join('\n')).toContain('does not exist');
    const coded = await a.inject('/podman-said');
    expect(coded.statusCode).toBe(500);
    expect(coded.json()).toEqual({ error: 'INTERNAL', message: expect.stringContaining('server log') });
    expect(coded.body).not.toContain('secret-path');
  });

  it('answers validation errors with 400 naming the field, and bad JSON with 400', async () => {
    const { a } = app();
    const res = await a.inject({ method: 'POST', url: '/body', payload: { name: '' } });
    expect(res.json()).toEqual({ error: 'BAD_REQUEST', message: expect.stringContaining('body.name') });
    const missing = await a.inject({ method: 'POST', url: '/body', payload: {} });
    expect(missing.json()).toEqual({ error: 'BAD_REQUEST', message: expect.stringContaining('body') });
    const bad = await a.inject({ method: 'POST', url: '/body', headers: { 'content-type': 'application/json' }, payload: '{' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toBe('BAD_REQUEST');
  });
});
