// Drives bench/index.html in Debian's headless Chromium (playwright-core, no downloaded browser)
// and prints the benchmark table. Usage:
//   node bench/run.mjs --pkg target/bench/pkg [--alt target/bench/pkg-simd --alt-name "covault+simd128"] [--quick]
import { launchChromium } from "../tests/node/chromium.mjs";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "./serve.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const pkg = opt("--pkg") ?? "target/bench/pkg";
const alt = opt("--alt");
const altName = opt("--alt-name") ?? "covault (alt)";

const server = await serve(root);
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await launchChromium();
let failed = false;
try {
  const page = await browser.newPage();
  page.on("console", (m) => m.type() === "error" && console.error(`[browser] ${m.text()}`));
  page.on("pageerror", (e) => console.error(`[browser] ${e}`));
  const url = new URL(`${base}/bench/index.html`);
  url.searchParams.set("pkg", `/${pkg}`);
  if (alt) (url.searchParams.set("alt", `/${alt}`), url.searchParams.set("altName", altName));
  if (args.includes("--quick")) url.searchParams.set("quick", "1");
  await page.goto(url.href);
  await page.waitForFunction(() => window.__bench, null, { timeout: 15 * 60 * 1000, polling: 500 });
  const result = await page.evaluate(() => window.__bench);
  if (result.error) throw new Error(result.error);

  console.log(`\ncovault browser benchmark — ${result.userAgent}\n`);
  console.log("Module size and start-up");
  const sizeRows = [[pkg, "covault"], ...(alt ? [[alt, altName]] : [])].map(([dir, name]) => {
    const wasm = readFileSync(join(root, dir, "covault_bg.wasm"));
    const init = result.init.find((i) => i.name === name);
    return { build: name, "wasm bytes": wasm.length, "gzip -9 bytes": gzipSync(wasm, { level: 9 }).length,
      "compile ms": +init.compileMs.toFixed(2), "first init ms": +init.initMs.toFixed(2) };
  });
  console.table(sizeRows);

  console.log("\nCross-checks (same inputs, outputs compared)");
  for (const c of result.checks) console.log(`  ${c.ok ? "ok  " : "FAIL"} ${c.name}`);
  failed = result.checks.some((c) => !c.ok);

  console.log("\nTimings (median of interleaved rounds; ratio = time / covault's time, <1 is faster than covault)");
  const table = [];
  for (const op of [...new Set(result.rows.map((r) => r.op))]) {
    const rows = result.rows.filter((r) => r.op === op);
    const ours = rows.find((r) => r.impl === "covault").ms;
    for (const r of rows) {
      table.push({ operation: op, implementation: r.impl, "ms/op": +r.ms.toPrecision(4),
        "ops/s": +(1000 / r.ms).toPrecision(4), "vs covault": +(r.ms / ours).toFixed(2) });
    }
  }
  console.table(table);
} finally {
  await browser.close();
  server.close();
}
if (failed) {
  console.error("cross-check failed");
  process.exit(1);
}
