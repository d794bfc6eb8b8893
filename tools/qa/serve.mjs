#!/usr/bin/env node
// Tiny static file server for a built evalpress site (node's http module only, no dependencies).
//
//   node serve.mjs <dir> [prefix=/] [port=0]
//
// Serves <dir> under the path prefix (e.g. `/` or `/rapporter/`) on 127.0.0.1. Port 0 picks a free
// port; the URL is printed as `serving <dir> at http://127.0.0.1:PORT/prefix/`.
// `/p/x/` serves `x/index.html`; `/p/x` redirects to `/p/x/` when `x` is a folder (as common static
// hosts do); anything missing, or outside the prefix, gets the site's `404.html` with status 404.
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalisePrefix } from './lib.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ttf': 'font/ttf',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.pdf': 'application/pdf',
};

function isFile(p) {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDir(p) {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Starts the server. Resolves to `{ server, port, origin, baseUrl, close }` once it listens.
 * `log` (optional) receives one line per request.
 */
export function startServer({ root, prefix = '/', port = 0, host = '127.0.0.1', log = null }) {
  const rootAbs = path.resolve(root);
  const pfx = normalisePrefix(prefix);
  const notFoundPage = path.join(rootAbs, '404.html');

  const send = (req, res, status, file, headers = {}) => {
    const type = TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': statSync(file).size, 'Cache-Control': 'no-store', ...headers });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  };

  const notFound = (req, res) => {
    if (existsSync(notFoundPage)) return send(req, res, 404, notFoundPage);
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(req.method === 'HEAD' ? undefined : 'Not found\n');
  };

  const server = http.createServer((req, res) => {
    const done = () => log && log(`${req.method} ${req.url} ${res.statusCode}`);
    res.on('finish', done);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' });
      return res.end();
    }
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      res.writeHead(400);
      return res.end();
    }
    if (pathname.includes('\0')) {
      res.writeHead(400);
      return res.end();
    }
    if (pfx !== '/' && pathname === pfx.slice(0, -1)) {
      res.writeHead(301, { Location: pfx });
      return res.end();
    }
    if (!pathname.startsWith(pfx)) return notFound(req, res);
    const rel = pathname.slice(pfx.length);
    const abs = path.resolve(rootAbs, `.${path.posix.sep}${rel}`);
    if (abs !== rootAbs && !abs.startsWith(rootAbs + path.sep)) return notFound(req, res);
    if (rel === '' || rel.endsWith('/')) {
      const index = path.join(abs, 'index.html');
      return isFile(index) ? send(req, res, 200, index) : notFound(req, res);
    }
    if (isFile(abs)) return send(req, res, 200, abs);
    if (isDir(abs) && isFile(path.join(abs, 'index.html'))) {
      const q = new URL(req.url, 'http://localhost').search;
      res.writeHead(301, { Location: `${new URL(req.url, 'http://localhost').pathname}/${q}` });
      return res.end();
    }
    return notFound(req, res);
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const actualPort = server.address().port;
      const origin = `http://${host}:${actualPort}`;
      resolve({
        server,
        port: actualPort,
        origin,
        baseUrl: origin + pfx,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const [dir, prefix = '/', port = '0'] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: node serve.mjs <dir> [prefix=/] [port=0]');
    process.exit(2);
  }
  if (!isDir(dir)) {
    console.error(`serve: ${dir} is not a folder`);
    process.exit(2);
  }
  const s = await startServer({ root: dir, prefix, port: Number(port), log: (l) => console.log(l) });
  console.log(`serving ${path.resolve(dir)} at ${s.baseUrl}`);
  const stop = () => s.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
