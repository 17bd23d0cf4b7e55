import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

type Doc = {
  openapi: string;
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>
  >;
};

describe('GET /api/docs', () => {
  it('answers an OpenAPI 3.1 document, also at /api/docs/openapi.json', async () => {
    const res = await fetch(`${t.url}/api/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = (await res.json()) as Doc;
    expect(doc.openapi).toBe('3.1.0');
    const again = await fetch(`${t.url}/api/docs/openapi.json`);
    expect(await again.json()).toEqual(doc);
  });

  it('documents only routes the app really has, with every method', async () => {
    const doc = (await (await fetch(`${t.url}/api/docs`)).json()) as Doc;
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => ({ method: method.toUpperCase(), url: path.replace(/\{(\w+)\}/g, ':$1') })),
    );
    expect(documented.length).toBeGreaterThanOrEqual(20);
    const missing = documented.filter(
      (r) =>
        !t.app.hasRoute({ method: r.method as 'GET', url: r.url }) &&
        // Route params may be named differently in the app; compare by shape.
        !t.app.hasRoute({ method: r.method as 'GET', url: r.url.replace(/:projectId/g, ':id') }),
    );
    expect(missing).toEqual([]);
  });

  it('carries the response shapes from the zod schemas', async () => {
    const doc = (await (await fetch(`${t.url}/api/docs`)).json()) as Doc;
    const ingest = doc.paths['/api/ingest']?.post?.responses['202']?.content?.['application/json']?.schema as {
      properties: Record<string, unknown>;
      required: string[];
    };
    expect(Object.keys(ingest.properties)).toEqual(
      expect.arrayContaining(['batchId', 'accepted', 'rejected', 'errors']),
    );
    const forecast = doc.paths['/api/forecast/{projectId}']?.get?.responses['200']?.content?.['application/json']
      ?.schema as { properties: Record<string, unknown> };
    expect(Object.keys(forecast.properties)).toEqual(expect.arrayContaining(['actions', 'predicted', 'generatedBy']));
    expect(doc.paths['/api/projects/{projectId}']?.get?.responses['404']).toBeDefined();
  });
});

describe('OpenAPI security', () => {
  it('names only schemes it defines, and offers the key in the URL on the events stream alone', async () => {
    const doc = (await (await fetch(`${t.url}/api/docs`)).json()) as {
      paths: Record<string, Record<string, { security: Record<string, unknown>[] }>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    const inQuery: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const scheme of op.security.flatMap((s) => Object.keys(s))) {
          expect(doc.components.securitySchemes).toHaveProperty(scheme);
          if (scheme === 'apiKeyInQuery') inQuery.push(`${method} ${path}`);
        }
      }
    }
    expect(inQuery).toEqual(['get /api/projects/{projectId}/events']);
  });
});
