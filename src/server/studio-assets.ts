// Serves the Studio's bundled static files (studio/ built by studio/build.mjs into dist/studio, which
// the package ships) on the HTTP port. The HTTP server calls serveStudio first and handles the
// request itself (API, metrics) when it returns false.

import { existsSync, readFileSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
};

/** The built Studio: dist/studio next to the compiled server (dist/src/server -> dist/studio), or,
 *  when running from sources (tests), <root>/dist/studio. The marker is the bundle, which the
 *  studio/ source folder does not have. */
function findStudioDir(): string | undefined {
  const candidates = ["../../studio/", "../../dist/studio/"].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  return candidates.find((d) => existsSync(join(d, "studio.js")));
}

let studioDir: string | undefined | null = null;

/** Serves GET/HEAD of "/" (index.html) and the bundle's files; returns false for anything else
 *  (other paths, other methods, or a package built without the Studio). */
export function serveStudio(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  if (studioDir === null) studioDir = findStudioDir();
  if (!studioDir) return false;
  let path: string;
  try {
    path = decodeURIComponent((req.url ?? "/").split("?")[0]);
  } catch {
    return false;
  }
  if (path === "/" || path === "/studio" || path === "/studio/") path = "/index.html";
  else if (path.startsWith("/studio/")) path = path.slice("/studio".length);
  const ext = extname(path);
  const type = CONTENT_TYPES[ext];
  if (!type || path.includes("\0")) return false;
  // only files inside the Studio folder: a normalized path that climbs out is not ours
  const file = normalize(join(studioDir, path));
  if (!file.startsWith(studioDir.endsWith(sep) ? studioDir : studioDir + sep)) return false;
  if (!existsSync(file) || !statSync(file).isFile()) return false;
  const body = readFileSync(file);
  res.writeHead(200, {
    "content-type": type,
    "content-length": body.length,
    // the page itself is re-read on every load so a new bundle is picked up at once
    "cache-control": ext === ".html" ? "no-cache" : "public, max-age=300",
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'",
  });
  res.end(req.method === "HEAD" ? undefined : body);
  return true;
}
