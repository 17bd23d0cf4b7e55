import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

/** One built file of the dashboard, held in memory with its headers worked out once. */
export interface Asset {
  body: Buffer;
  /** The gzip form, when it is worth sending (text types over 1 KiB). */
  gzip: Buffer | undefined;
  type: string;
  etag: string;
  cacheControl: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.txt', '.webmanifest']);

// Vite names everything under assets/ by content hash, so a year and `immutable` are safe; the
// HTML must be revalidated every time or a deploy would never reach a browser.
function cacheControlFor(path: string): string {
  if (path.startsWith('/assets/')) return 'public, max-age=31536000, immutable';
  if (path.endsWith('.html')) return 'no-cache';
  return 'public, max-age=3600';
}

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      // Vite's manifest is a build artefact for tooling, not for browsers.
      if (name !== '.vite') walk(full, out);
    } else out.push(full);
  }
}

/**
 * Reads a built dashboard into memory, keyed by URL path (`/index.html`, `/assets/x.js`). Only
 * files found here can ever be served, so no request path reaches the file system (no traversal).
 * Answers an empty table when the directory does not exist (the dashboard was not built).
 *
 * @example
 * const assets = loadAssets('/srv/backend/dashboard/dist');
 * assets.get('/index.html')?.type; // 'text/html; charset=utf-8'
 */
export function loadAssets(dir: string): Map<string, Asset> {
  const table = new Map<string, Asset>();
  if (!existsSync(dir)) return table;
  const files: string[] = [];
  walk(dir, files);
  for (const file of files) {
    const path = `/${relative(dir, file).split(sep).join('/')}`;
    const ext = extname(file).toLowerCase();
    const body = readFileSync(file);
    const gzip = COMPRESSIBLE.has(ext) && body.length > 1024 ? gzipSync(body, { level: 9 }) : undefined;
    table.set(path, {
      body,
      gzip: gzip && gzip.length < body.length ? gzip : undefined,
      type: TYPES[ext] ?? 'application/octet-stream',
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      cacheControl: cacheControlFor(path),
    });
  }
  return table;
}
