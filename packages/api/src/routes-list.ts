import { ServiceUnavailableError } from './errors';
import { createApiApp } from './app';

/**
 * Every route the API serves, as API Gateway route keys (`GET /api/runs/{id}`),
 * read from the app's own OpenAPI document: the stacks create exactly these
 * routes, so the gateway and the app cannot disagree.
 */
export function apiRouteKeys(): string[] {
  const app = createApiApp({
    database: () => {
      throw new ServiceUnavailableError('route listing opens no database');
    },
  });
  const document = app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'airfill', version: '1' } });
  const keys = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    (['get', 'post', 'put', 'delete', 'patch'] as const).filter((method) => item?.[method]).map((method) => `${method.toUpperCase()} ${path}`),
  );
  return [...keys, 'GET /api/openapi.json'].sort();
}
