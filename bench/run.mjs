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

  // The first table of issue 11, each row against its reference in this same run.
  const ms = (op, impl) => result.rows.find((r) => r.op === op && r.impl === impl)?.ms;
  const mib = 1 << 20;
  const goals = [
    ["AES-256-GCM decrypt 1 MiB", "noble", (c, r) => c <= r && mib / 1e3 / c >= 95, "≤ noble and ≥ 95 MB/s"],
    ["AES-256-GCM decrypt 1 MiB", "aes-gcm crate, bare", null, "(the crate alone)"],
    ["AES-256-GCM encrypt 1 MiB", "WebCrypto", (c) => mib / 1e3 / c >= 95, "≥ 95 MB/s"],
    ["AES-256-GCM encrypt 1 MiB", "aes-gcm crate, bare", null, "(the crate alone)"],
    ["AES-256-GCM encrypt 100 B", "WebCrypto", (c, r) => c <= 0.5 * r, "≤ 0.5× WebCrypto"],
    ["AES-256-GCM encrypt 100 B", "aes-gcm crate, bare", null, "(the crate alone)"],
    ["X25519 shared secret", "WebCrypto", (c, r) => c <= 1.5 * r, "≤ 1.5× WebCrypto"],
    ["HPKE open (Auth mode, 32 B DEK)", "hpke-js", (c, r) => c <= 0.25 * r, "≤ 0.25× hpke-js"],
    ["Argon2id m=64 MiB t=3 p=4", "hash-wasm", (c, r) => c <= 0.6 * r, "≤ 0.6× hash-wasm"],
  ];
  console.log("\nIssue 11's rows (covault = this run's main build; ratio = covault / reference)");
  const issueRows = [];
  for (const [op, ref, met, goal] of goals) {
    const c = ms(op, "covault"), r = ms(op, ref), a = alt ? ms(op, altName) : undefined;
    if (c === undefined || r === undefined) continue;
    issueRows.push({ row: op, "covault ms": +c.toPrecision(4), ...(alt ? { [`${altName} ms`]: a === undefined ? "" : +a.toPrecision(4) } : {}),
      reference: ref, "reference ms": +r.toPrecision(4), ratio: +(c / r).toFixed(2),
      "MB/s": op.includes("1 MiB") ? +(mib / 1e3 / c).toFixed(1) : "", goal, met: met ? (met(c, r) ? "yes" : "no") : "" });
  }
  const size = sizeRows[0];
  issueRows.push({ row: "module (with the client, bench-raw-keys build)", "covault ms": "", reference: "120 KiB gzip", "reference ms": "",
    ratio: +(size["gzip -9 bytes"] / (120 * 1024)).toFixed(2), "MB/s": "", goal: `${size["gzip -9 bytes"]} B gzip ≤ 122880`,
    met: size["gzip -9 bytes"] <= 120 * 1024 ? "yes" : "no" });
  console.table(issueRows);
} finally {
  await browser.close();
  server.close();
}
if (failed) {
  console.error("cross-check failed");
  process.exit(1);
}
