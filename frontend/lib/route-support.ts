import { useOpenApi, type OpenApiDoc } from '../queries/catalog';
import { API_BASE } from './api';

/** A route as "METHOD /path" under the mount, as the OpenAPI document spells it: "GET /databases/{id}/metrics". */
export type RouteKey = `${'GET' | 'POST' | 'PUT' | 'DELETE'} ${string}`;

/**
 * Whether the module serves a route today: it is in the served OpenAPI document with a success
 * answer. A route that is only announced (answers 501) has no 2xx answer there, so a page or
 * control for it stays hidden until the feature lands, with no change to the UI.
 */
export function routeWorks(doc: OpenApiDoc | undefined, route: RouteKey): boolean {
  if (!doc) return false;
  const [method, path] = route.split(' ') as [string, string];
  const op = doc.paths[`${API_BASE}${path}`]?.[method.toLowerCase()];
  return !!op?.responses && Object.keys(op.responses).some((status) => /^2\d\d$/.test(status));
}

export function useRouteWorks(route: RouteKey): boolean {
  const { data } = useOpenApi();
  return routeWorks(data, route);
}

/** The create body's JSON Schema property (its pattern and limits), from the served document. */
export function createBodyField(doc: OpenApiDoc | undefined, field: string) {
  return doc?.paths[`${API_BASE}/databases`]?.post?.requestBody?.content?.['application/json']?.schema?.properties?.[field];
}
