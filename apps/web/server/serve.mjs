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
      const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
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
      res.writeHead(200, {
        ...ISOLATION_HEADERS,
        'Content-Type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Length': s.size,
        // Hashed assets never change; the pages and the archive are looked up each time.
        'Cache-Control': pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
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
