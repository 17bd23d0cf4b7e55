import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DASHBOARD_CSP, HSTS } from '../dashboard/index.js';

/** Where the rendered API reference lives; its files sit under it. */
export const REFERENCE_PATH = '/api/reference';

const require = createRequire(import.meta.url);

/**
 * Starts Swagger UI on the document at `/api/docs/openapi.json`. A file, not an inline script, so
 * the page keeps the dashboard's CSP (`script-src 'self'`). `validatorUrl: null`: Swagger UI would
 * otherwise send the document to validator.swagger.io for a badge, and the page must work offline.
 * `deepLinking: false`: its links sit inside each operation's toggle button (axe: nested-interactive).
 * Swagger UI leaves the server picker and a parameter's select unnamed, so they are named here
 * (axe: select-name).
 */
const START = `window.ui = SwaggerUIBundle({
  url: '/api/docs/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: false,
  validatorUrl: null,
  docExpansion: 'list',
  defaultModelsExpandDepth: 0,
});
new MutationObserver(() => {
  document.querySelector('#servers:not([aria-label])')?.setAttribute('aria-label', 'Server');
  for (const control of document.querySelectorAll('tr[data-param-name] :is(select, input, textarea):not([aria-label])')) {
    control.setAttribute('aria-label', control.closest('tr').dataset.paramName);
  }
}).observe(document.getElementById('swagger-ui'), { childList: true, subtree: true });
`;

/**
 * Appended to Swagger UI's stylesheet: its badges, method labels and small print fall below the
 * WCAG AA contrast of 4.5:1 (its POST label is white on #49cc90, 2.0:1), so they are darkened to
 * 5:1 or more.
 */
const CONTRAST_CSS = `
/* CloudSage: WCAG AA contrast (see backend/src/routes/docs/reference.ts). */
.swagger-ui .info .title small { background: #5b6270; }
.swagger-ui .info .title small.version-stamp { background: #3d6600; }
.swagger-ui .info .url, .swagger-ui .info a { color: #1a5fb4; }
.swagger-ui .btn.authorize { color: #087443; border-color: #087443; }
.swagger-ui .btn.authorize svg { fill: #087443; }
.swagger-ui .opblock.opblock-get .opblock-summary-method { background: #1c64b0; }
.swagger-ui .opblock.opblock-post .opblock-summary-method { background: #087443; }
.swagger-ui .opblock.opblock-put .opblock-summary-method { background: #9a5200; }
.swagger-ui .opblock.opblock-delete .opblock-summary-method { background: #b71c1c; }
.swagger-ui .parameter__in, .swagger-ui .parameter__deprecated { color: #595959; }
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>CloudSage API reference</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${REFERENCE_PATH}/style.css">
</head>
<body>
<main id="swagger-ui"><noscript><p>This page needs JavaScript. The OpenAPI document itself is at
<a href="/api/docs/openapi.json">/api/docs/openapi.json</a>.</p></noscript></main>
<script src="${REFERENCE_PATH}/swagger-ui-bundle.js"></script>
<script src="${REFERENCE_PATH}/start.js"></script>
</body>
</html>
`;

interface File {
  body: Buffer;
  gzip: Buffer;
  type: string;
  etag: string;
}

function file(body: Buffer, type: string): File {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  return { body, gzip: gzipSync(body), type, etag };
}

/** The files of the page: ours, and Swagger UI's from the `swagger-ui-dist` package (its CSS with ours after it). */
function loadFiles(): Map<string, File> {
  const dist = dirname(require.resolve('swagger-ui-dist/package.json'));
  const fromDist = (name: string) => readFileSync(join(dist, name));
  return new Map([
    [REFERENCE_PATH, file(Buffer.from(PAGE), 'text/html; charset=utf-8')],
    [`${REFERENCE_PATH}/start.js`, file(Buffer.from(START), 'text/javascript; charset=utf-8')],
    [
      `${REFERENCE_PATH}/swagger-ui-bundle.js`,
      file(fromDist('swagger-ui-bundle.js'), 'text/javascript; charset=utf-8'),
    ],
    [
      `${REFERENCE_PATH}/style.css`,
      file(Buffer.concat([fromDist('swagger-ui.css'), Buffer.from(CONTRAST_CSS)]), 'text/css; charset=utf-8'),
    ],
  ]);
}

/**
 * `GET /api/reference`: the OpenAPI document rendered by Swagger UI, for people; `/api/docs` stays
 * the document for programs. Everything is served from this origin (no CDN, works offline) under
 * the dashboard's security headers. The files are read and compressed on the first request, so an
 * app that never shows the page (tests, workers) pays nothing for Swagger UI's 1.7 MB bundle.
 */
export default async function referenceRoutes(app: FastifyInstance): Promise<void> {
  // Mounted alone in tests, without the app's config: no HTTPS is known there.
  const https = app.hasDecorator('config') && app.config.secureCookies;
  let files: Map<string, File> | undefined;
  const send = async (request: FastifyRequest, reply: FastifyReply) => {
    files ??= loadFiles();
    const path = request.routeOptions.url ?? '';
    const f = files.get(path) as File;
    reply.headers({
      'content-security-policy': DASHBOARD_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'same-origin',
      'x-frame-options': 'DENY',
      'cross-origin-opener-policy': 'same-origin',
      ...(https ? { 'strict-transport-security': HSTS } : {}),
    });
    // The page is revalidated so an upgrade shows at once; the files change only with a deploy.
    reply.header('cache-control', path === REFERENCE_PATH ? 'no-cache' : 'public, max-age=3600');
    reply.header('etag', f.etag).header('content-type', f.type).header('vary', 'accept-encoding');
    if (request.headers['if-none-match'] === f.etag) return reply.status(304).send();
    if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
      return reply.header('content-encoding', 'gzip').send(f.gzip);
    }
    return reply.send(f.body);
  };
  const page: FastifyContextConfig = {
    auth: 'public',
    openapi: { summary: 'This OpenAPI document, rendered for people (Swagger UI)', tag: 'ops', response: 'text/html' },
  };
  app.get(REFERENCE_PATH, { config: page }, send);
  // The page's own files: not part of the API, so not in the document.
  const asset: FastifyContextConfig = { auth: 'public', openapi: false };
  for (const name of ['start.js', 'swagger-ui-bundle.js', 'style.css']) {
    app.get(`${REFERENCE_PATH}/${name}`, { config: asset }, send);
  }
}
