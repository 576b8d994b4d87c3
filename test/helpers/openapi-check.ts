import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance, InjectOptions, RouteOptions } from 'fastify';
import { expect } from 'vitest';

/**
 * Checks real answers against the served OpenAPI document. Fastify serializes with the
 * response schema and silently drops fields it does not name, so the served body alone
 * cannot show a schema that is too small: a preSerialization hook keeps what the handler
 * really returned, and that is validated strictly (no unknown field, every required one),
 * then compared with what was served.
 */

type Doc = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>> };

export interface Captured { method: string; route: string; raw: unknown }

export interface RouteSeen { method: string; url: string; schema?: Record<string, unknown> }

/** Hooks for a bare Fastify instance (HostOverrides.configure): every route added, every payload answered. */
export function recorder() {
  const routes: RouteSeen[] = [];
  const answers: Captured[] = [];
  const configure = (app: FastifyInstance) => {
    app.addHook('onRoute', (r: RouteOptions) => {
      for (const method of [r.method].flat()) routes.push({ method, url: r.url, schema: r.schema as Record<string, unknown> | undefined });
    });
    app.addHook('preSerialization', async (request, _reply, payload) => {
      answers.push({ method: request.method, route: request.routeOptions.url ?? '', raw: payload });
      return payload;
    });
  };
  return { routes, answers, configure };
}

/** Every object schema that names its properties gets additionalProperties: false (unless it says otherwise). */
export function strict<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(strict) as T;
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) out[k] = strict(v);
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out as T;
}

export const openApiPath = (fastifyUrl: string) => fastifyUrl.replace(/:([A-Za-z_]+)/g, '{$1}');

export class ResponseChecker {
  private readonly ajv = addFormats.default(new Ajv({ allErrors: true, strict: false }));
  private readonly cache = new Map<string, ValidateFunction>();
  /** method path status, for a report of what was covered. */
  readonly checked = new Set<string>();

  constructor(private readonly doc: Doc, private readonly answers: Captured[]) {}

  schemaFor(method: string, path: string, status: number): object {
    const op = this.doc.paths[path]?.[method.toLowerCase()];
    expect(op, `${method} ${path} is in the document`).toBeDefined();
    const response = op!.responses[String(status)];
    expect(response, `${method} ${path} declares a ${status} answer`).toBeDefined();
    const schema = response!.content?.['application/json']?.schema;
    expect(schema, `${method} ${path} ${status} has a JSON schema`).toBeDefined();
    return schema!;
  }

  /**
   * Runs one request and checks its answer: the status is declared, what the handler returned
   * matches the schema strictly, and the served body is exactly that (nothing dropped or coerced).
   */
  async call(app: FastifyInstance, options: InjectOptions, expectedStatus?: number) {
    const before = this.answers.length;
    const res = await app.inject(options);
    const label = `${options.method ?? 'GET'} ${options.url} -> ${res.statusCode}`;
    if (expectedStatus !== undefined) expect(res.statusCode, `${label}: ${res.body.slice(0, 500)}`).toBe(expectedStatus);
    const captured = this.answers.slice(before);
    expect(captured, `${label}: one payload went through serialization`).toHaveLength(1);
    const { method, route, raw } = captured[0]!;
    const path = openApiPath(route);
    const key = `${method} ${path} ${res.statusCode}`;
    let validate = this.cache.get(key);
    if (!validate) {
      validate = this.ajv.compile(strict(this.schemaFor(method, path, res.statusCode)));
      this.cache.set(key, validate);
    }
    const plain: unknown = JSON.parse(JSON.stringify(raw));
    expect(validate(plain) ? [] : validate.errors, `${label}: the handler's answer matches the schema`).toEqual([]);
    expect(res.json(), `${label}: the served body is the handler's answer`).toEqual(plain);
    this.checked.add(key);
    return res;
  }
}
