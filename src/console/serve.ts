import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The web console's static files (#9): the page shell, its stylesheet and the compiled browser modules.
 * Only plain GET/HEAD requests that carry no API action or signature are the console's; everything else
 * (and any path outside the fixed set below) is left to the API gateway. The pages call the API like any
 * client, TC3-signing every request in the browser, so nothing here grants access to data.
 */

/** The package root: this module runs as src/console/serve.ts (tests) or dist/console/serve.js. */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const STATIC_DIR = path.join(ROOT, 'src', 'console', 'static');
const APP_DIR = path.join(ROOT, 'dist', 'console', 'app');

export const CONSOLE_CSP =
  "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** a module path under /assets/app/: segments of safe names only, ending in .js or .js.map */
const APP_ASSET = /^\/assets\/app\/((?:[a-z0-9][a-z0-9-]*\/)?[a-z0-9][a-z0-9._-]*\.js(?:\.map)?)$/i;

export interface ConsoleOptions {
  /** where the compiled browser modules are (default: dist/console/app of the package) */
  appDir?: string;
  /** where index.html and console.css are (default: src/console/static of the package) */
  staticDir?: string;
}

/** True when the request is an API call (signed, or naming an action) rather than a console page. */
function isApiCall(req: IncomingMessage): boolean {
  if (req.headers.authorization !== undefined || req.headers['x-tc-action'] !== undefined) return true;
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  if (q < 0) return false;
  return new URLSearchParams(url.slice(q + 1)).has('Action');
}

/**
 * A request listener for createApiServer's `console` option: answers (and returns true for) the
 * console's own GET/HEAD requests — `/` and `/console/*` (the shell; routes live in the hash),
 * `/assets/console.css`, `/assets/app/*.js(.map)` — and returns false for everything else.
 */
export function consoleHandler(
  opts: ConsoleOptions = {},
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const appDir = opts.appDir ?? APP_DIR;
  const staticDir = opts.staticDir ?? STATIC_DIR;
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (isApiCall(req)) return false;
    const raw = req.url ?? '/';
    const pathname = raw.split('?')[0]!;
    let file: string | undefined;
    let cache = 'no-cache';
    if (pathname === '/' || pathname === '/console' || pathname.startsWith('/console/')) {
      file = path.join(staticDir, 'index.html');
    } else if (pathname === '/assets/console.css') {
      file = path.join(staticDir, 'console.css');
    } else {
      const m = APP_ASSET.exec(pathname);
      if (!m) return false;
      const rel = m[1]!;
      if (rel.split('/').some((s) => s === '.' || s === '..')) return false;
      file = path.join(appDir, ...rel.split('/'));
      if (!file.startsWith(appDir + path.sep)) return false;
      cache = 'no-cache';
    }
    let body: Buffer;
    try {
      body = readFileSync(file);
    } catch {
      send(
        res,
        404,
        'text/plain; charset=utf-8',
        Buffer.from('not found\n'),
        'no-store',
        req.method === 'HEAD',
      );
      return true;
    }
    send(
      res,
      200,
      TYPES[path.extname(file)] ?? 'application/octet-stream',
      body,
      cache,
      req.method === 'HEAD',
    );
    return true;
  };
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: Buffer,
  cache: string,
  head: boolean,
): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': body.length,
    'Cache-Control': cache,
    'Content-Security-Policy': CONSOLE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
  });
  res.end(head ? undefined : body);
}
