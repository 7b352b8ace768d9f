// `npm run build`: the one way to produce DeltaDesk's front-end assets. Copies the files the pages and
// features load from node_modules (installed by `npm install` from package.json / package-lock.json) into
// static/vendor/, which is git-ignored and served by Flask under content-hashed URLs (app/web/assets.py).
// Databricks Apps runs this same script after `npm install` on every deploy (docs/databricks.md).
// No dependency beyond Node itself. axe-core is not copied: the browser tests read it from node_modules.
import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(root, "node_modules");
const vendor = join(root, "static", "vendor");

// [source under node_modules, target under static/vendor]
const ASSETS = [
  ["htmx.org/dist/htmx.min.js", "htmx.min.js"],        // the pages (templates/layout.html)
  ["htmx.org/dist/htmx.js", "htmx.js"],                // readable copy for debugging
  ["htmx.org/dist/ext/hx-sse.min.js", "ext/hx-sse.min.js"],  // htmx 4's server-sent events extension
  ["htmx.org/dist/ext/hx-sse.js", "ext/hx-sse.js"],
];

const missing = ASSETS.filter(([source]) => !existsSync(join(modules, source)));
if (missing.length) {
  console.error(`build-assets: not in node_modules (run \`npm install\` first): ${missing.map(([s]) => s).join(", ")}`);
  process.exit(1);
}
rmSync(vendor, { recursive: true, force: true }); // nothing stale survives a build
for (const [source, target] of ASSETS) {
  const to = join(vendor, target);
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(join(modules, source), to);
  console.log(`static/vendor/${target}  <-  node_modules/${source}`);
}
