// Finishes pkg/package.json after wasm-pack: the exports map (types, node, import), the Node
// entry, the changelog (with the compatibility promise), engines and keywords. Run by scripts/build-pkg.sh. Usage: node npm/finish-package.mjs pkg
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2];
const path = join(dir, "package.json");
const pkg = JSON.parse(readFileSync(path, "utf8"));
copyFileSync(new URL("./node.js", import.meta.url), join(dir, "node.js"));
copyFileSync(new URL("../CHANGELOG.md", import.meta.url), join(dir, "CHANGELOG.md"));
pkg.files = [...new Set([...(pkg.files ?? []), "node.js", "README.md", "CHANGELOG.md"])];
pkg.exports = {
  ".": {
    types: "./covault.d.ts",
    node: "./node.js",
    import: "./covault.js",
    default: "./covault.js",
  },
  "./covault_bg.wasm": "./covault_bg.wasm",
  "./package.json": "./package.json",
};
pkg.engines = { node: ">=20" };
pkg.keywords = ["encryption", "end-to-end", "vault", "hpke", "argon2", "webassembly", "sharing"];
writeFileSync(path, JSON.stringify(pkg, null, 2) + "\n");
console.log(`${path}: exports map (types, node, import), engines, keywords`);
