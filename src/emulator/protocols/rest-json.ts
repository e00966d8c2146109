import type { Operation, ServiceModel } from '../model-types.js';

export interface RestRoute {
  operation: Operation;
  /** Input member names bound to path segments, in order. */
  params: string[];
  match: RegExp;
}

/** Routes of a REST-JSON service, compiled from each operation's `http.requestUri`. */
export function restRoutes(model: ServiceModel): RestRoute[] {
  return Object.values(model.operations).map((operation) => {
    const params: string[] = [];
    const source = operation.http.requestUri
      .split('?')[0]!
      .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
      .replace(/\\?\{(\w+)\+?\\?\}/g, (_m, name: string) => {
        params.push(name);
        return '([^/]+)';
      })
      .replace(/\{(\w+)\+?\}/g, (_m, name: string) => {
        params.push(name);
        return '([^/]+)';
      });
    return { operation, params, match: new RegExp(`^${source}$`) };
  });
}

export function matchRoute(
  routes: RestRoute[],
  method: string,
  pathname: string,
): { route: RestRoute; pathParams: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.operation.http.method !== method) continue;
    const m = route.match.exec(pathname);
    if (m === null) continue;
    const pathParams: Record<string, string> = {};
    route.params.forEach((name, i) => (pathParams[name] = decodeURIComponent(m[i + 1] ?? '')));
    return { route, pathParams };
  }
  return undefined;
}
