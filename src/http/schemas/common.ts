import { Type, type Static, type TSchema } from 'typebox';
import { ERROR_CATALOGUE, type ErrorCode } from '../../errors.js';
import { ENGINE_IDS } from '../../services/adapters/types.js';

/** A value or null (JSON null: nothing known yet, or not applicable). */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** One value of a fixed list (a JSON Schema enum), typed as the list's union. */
export const literals = <T extends string>(values: readonly T[], options: Record<string, unknown> = {}) => Type.Enum(values, options);
export const EngineId = literals(ENGINE_IDS);

/** Instance and snapshot ids: positive integers of at most 10 digits, as strings in the path. */
export const ID_PATTERN = '^[1-9][0-9]{0,9}$';
export const InstanceId = Type.String({ pattern: ID_PATTERN, description: 'instance id' });

export const IdParams = Type.Object({ id: InstanceId }, { additionalProperties: false });
/** A route that takes no input still says so: an unknown query parameter is refused, not ignored. */
export const NoQuery = Type.Object({}, { additionalProperties: false });

export type IdParams = Static<typeof IdParams>;

const CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

/** Every error answer of the module: a code from ERROR_CATALOGUE (src/errors.ts) and a message for people. */
export const ErrorBody = Type.Object({
  error: Type.Enum(CODES, { description: 'a code of the error catalogue' }),
  message: Type.String(),
});
export type ErrorBody = Static<typeof ErrorBody>;

export const MessageBody = Type.Object({ message: Type.String() });
export type MessageBody = Static<typeof MessageBody>;

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 500 | 501 | 502 | 503;

const WHY: Record<ErrorStatus, string> = {
  400: 'bad input: the message names the field; nothing changed',
  401: 'no valid bearer token',
  403: 'the token lacks the permission',
  404: 'not found',
  409: 'conflicts with the current state',
  413: 'the body is larger than the limit',
  415: 'the body is not of the media type the route takes',
  500: 'unexpected failure; the server log has the detail',
  501: 'not offered (yet)',
  502: 'the engine did not come back',
  503: 'Podman, a port or an address is not available',
};

/** The error answers a route can give, each with the shared error body and the codes that use that status. */
export function errorResponses(...statuses: ErrorStatus[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const status of statuses) {
    const codes = CODES.filter((c) => ERROR_CATALOGUE[c].status === status);
    out[status] = Type.Object(ErrorBody.properties, { description: `${WHY[status]} (${codes.join(', ')})` });
  }
  return out;
}

/** What every route can answer: 400 (each route validates its input), 401 (the token check), 500. */
export const ALWAYS: ErrorStatus[] = [400, 401, 500];

/** The OpenAPI security requirement of every route: a bearer token. */
export const BEARER = [{ bearer: [] }];

/**
 * A route's schema for Fastify and the OpenAPI document: summary, tag, bearer security, the
 * request parts (no query parameters unless it names some), its success answers, and the error
 * answers it can give (plus ALWAYS).
 */
export function route<S extends { response: Record<number, TSchema> }>(tag: string, summary: string, schema: S, errors: ErrorStatus[] = []): S & Meta {
  const statuses = [...new Set([...ALWAYS, ...errors])].sort();
  return {
    querystring: NoQuery, ...schema, tags: [tag], summary, security: BEARER,
    response: { ...schema.response, ...errorResponses(...statuses) },
  };
}

interface Meta { tags: string[]; summary: string; security: typeof BEARER }
