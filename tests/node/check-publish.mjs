// Reads `npm publish --dry-run --json` from stdin and checks that the package would publish
// exactly its own files: the module, its wasm, the types, the Node entry, the README, the
// changelog, package.json and the two snippets (the KDF worker's loader, the device store). Anything else (a stray build file, a missing entry) fails.
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const text = Buffer.concat(chunks).toString("utf8");
const parsed = JSON.parse(text.slice(text.indexOf("{")));
// npm 11 keys the report by package name; older npm prints the report itself.
const report = parsed.files ? parsed : Object.values(parsed)[0] ?? {};
// wasm-bindgen's snippets (the Argon2id worker's loader, the remembered device's store) sit under a hash of the crate.
const files = (report.files ?? []).map((f) => f.path.replace(/^snippets\/covault-[0-9a-f]+\//, "snippets/covault-*/")).sort();
const expected = ["CHANGELOG.md", "README.md", "covault.d.ts", "covault.js", "covault_bg.wasm", "node.js", "package.json",
  "snippets/covault-*/src/client/kdf_worker.js", "snippets/covault-*/src/wasm/device_store.js"];
const ok = JSON.stringify(files) === JSON.stringify(expected);
console.log(`${ok ? "ok  " : "FAIL"} npm publish --dry-run: ${report.name}@${report.version}, ${files.length} files: ${files.join(", ")}`);
process.exit(ok ? 0 : 1);
