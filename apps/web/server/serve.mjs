// A small static server for the built app (apps/web/dist): every response carries the
// cross-origin-isolation headers that WASM threads need (SharedArrayBuffer), `.wasm` goes out as
// application/wasm (streaming compilation), and an optional CIFAR-10 archive is served at
// /data/<its file name> so the page can load it with `?data=/data/<name>`.
// Plain Node ESM with no dependencies, so `backprop serve` (apps/cli) can import it as is.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built app beside this file: apps/web/dist. */
export const defaultRoot = fileURLToPath(new URL('../dist/', import.meta.url));

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.gz': 'application/gzip',
  '.tar': 'application/x-tar',
  '.txt': 'text/plain; charset=utf-8',
};

export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * Starts the server. `dataPath`: a CIFAR-10 archive to serve at `/data/<basename>` (optional).
 * `port` 0 picks a free one. Resolves once listening, with the page URL (`?data=…` included
 * when there is an archive) and `close()`.
 *
 * @param {{ root?: string, dataPath?: string, port?: number, host?: string }} [options]
 * @returns {Promise<{ url: string, origin: string, port: number, dataUrl: string | null, close: () => Promise<void> }>}
 */
export async function serve({ root = defaultRoot, dataPath, port = 5173, host = '127.0.0.1' } = {}) {
  const rootDir = path.resolve(root);
  const index = await stat(path.join(rootDir, 'index.html')).catch(() => null);
  if (!index?.isFile()) throw new Error(`serve: root must be a built app folder holding index.html (run \`pnpm --filter @backprop/web build\`), got '${rootDir}'`);
  let dataRoute = null;
  if (dataPath != null) {
    const file = path.resolve(dataPath);
    const s = await stat(file).catch(() => null);
    if (!s?.isFile()) throw new Error(`serve: dataPath must be a CIFAR-10 archive file, got '${dataPath}' (${s ? 'not a file' : 'no such file'})`);
    dataRoute = { url: `/data/${encodeURIComponent(path.basename(file))}`, file };
  }

  const server = createServer(async (req, res) => {
    try {
      let pathname;
      try {
        pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      } catch {
        // A malformed escape (`/%E0%A4%A`) is the client's mistake, not the server's.
        return send(res, 400, `bad request: the path '${String(req.url).slice(0, 200)}' holds a malformed %-escape`);
      }
      let file;
      if (dataRoute && pathname === decodeURIComponent(dataRoute.url)) file = dataRoute.file;
      else {
        file = path.join(rootDir, pathname.endsWith('/') ? `${pathname}index.html` : pathname);
        // Never leave the root (`..` in the path).
        if (file !== rootDir && !file.startsWith(rootDir + path.sep)) return send(res, 403, 'forbidden');
      }
      const s = await stat(file).catch(() => null);
      if (!s?.isFile()) return send(res, 404, `not found: ${pathname}`);
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
      // A strong validator from size and modification time: a re-download of the 162 MiB archive
      // becomes a 304, and an interrupted one can continue with `Range` + `If-Range`.
      const etag = `"${s.size.toString(16)}-${Math.floor(s.mtimeMs).toString(16)}"`;
      const headers = {
        ...ISOLATION_HEADERS,
        'Content-Type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
        // Hashed assets never change; the pages and the archive are looked up each time.
        'Cache-Control': pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        'Accept-Ranges': 'bytes',
        ETag: etag,
        'Last-Modified': new Date(s.mtimeMs).toUTCString(),
      };
      if (matchesEtag(req.headers['if-none-match'], etag)) {
        res.writeHead(304, headers);
        return res.end();
      }
      const rangeHeader = req.headers.range;
      const ifRange = req.headers['if-range'];
      const range = rangeHeader && (ifRange == null || ifRange === etag) ? parseRange(rangeHeader, s.size) : null;
      if (range === 'unsatisfiable') {
        res.writeHead(416, { ...ISOLATION_HEADERS, 'Content-Range': `bytes */${s.size}`, 'Content-Type': 'text/plain; charset=utf-8' });
        return res.end(`range not satisfiable: '${rangeHeader}' for a file of ${s.size} bytes`);
      }
      if (range) {
        res.writeHead(206, { ...headers, 'Content-Length': range.end - range.start + 1, 'Content-Range': `bytes ${range.start}-${range.end}/${s.size}` });
        if (req.method === 'HEAD') return res.end();
        return createReadStream(file, range).on('error', () => res.destroy()).pipe(res);
      }
      res.writeHead(200, { ...headers, 'Content-Length': s.size });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).on('error', () => res.destroy()).pipe(res);
    } catch (err) {
      send(res, 500, String(err?.message ?? err));
    }
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(undefined));
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
  return {
    url: `${origin}/${dataRoute ? `?data=${dataRoute.url}` : ''}`,
    origin,
    port: actualPort,
    dataUrl: dataRoute?.url ?? null,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}

function send(res, status, text) {
  res.writeHead(status, { ...ISOLATION_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}

/** `If-None-Match`: a list of entity tags or `*` (weak tags compare equal to their strong form). */
function matchesEtag(header, etag) {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/**
 * One byte range of `Range: bytes=a-b | a- | -n` (RFC 9110 §14.1.2), inclusive `{ start, end }`;
 * 'unsatisfiable' for a range past the end; null (serve the whole file) for anything else,
 * several ranges included — the spec lets a server ignore a Range it does not support.
 */
export function parseRange(header, size) {
  const m = /^bytes=(\d*)-(\d*)$/.exec(String(header).trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size) return 'unsatisfiable';
  if (end < start) return null;
  return { start, end };
}
