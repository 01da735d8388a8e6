// Bundles the Studio into static files (dist/studio: index.html, studio.js, studio.css) that the
// package ships and src/server/studio-assets.ts serves. Everything is bundled: nothing from a CDN.
import { build } from "esbuild";
import { copyFile, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outdir = process.argv[2] ?? join(here, "..", "dist", "studio");

await mkdir(outdir, { recursive: true });
await build({
  entryPoints: { studio: join(here, "src", "main.ts") },
  bundle: true,
  format: "esm",
  minify: true,
  sourcemap: false,
  target: ["chrome110", "firefox110", "safari16"],
  outdir,
  logLevel: "warning",
});
await copyFile(join(here, "index.html"), join(outdir, "index.html"));
