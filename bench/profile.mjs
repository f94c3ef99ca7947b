// Where covault's AES-GCM time goes: runs one workload in headless Chromium under the DevTools
// CPU profiler and prints the functions with the most self time (wasm functions by their Rust
// names, so give it a module built without wasm-opt, which strips the name section; see
// scripts/profile.sh). Not a test. Usage:
//   node bench/profile.mjs --pkg target/bench/pkg-prof [--workload encrypt-100|decrypt-1m|encrypt-1m|decrypt-100] [--bytes]
import { launchChromium } from "../tests/node/chromium.mjs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "./serve.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = (name, d) => (args.includes(name) ? args[args.indexOf(name) + 1] : d);
const pkg = opt("--pkg", "target/bench/pkg-prof");
const workload = opt("--workload", "encrypt-100");
const bytes = args.includes("--bytes");

const server = await serve(root);
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/bench/profile.html`);
  await page.evaluate(async (pkg) => {
    const m = await import(`/${pkg}/covault.js`);
    await m.default();
    window.cv = m;
  }, pkg);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 50 });
  await cdp.send("Profiler.start");
  const wall = await page.evaluate(({ workload, bytes }) => {
    const [op, size] = workload.split("-");
    const n = size === "100" ? 100 : 1 << 20;
    const runs = size === "100" ? 40000 : 40;
    const dek = cv.Dek.generate();
    const msg = crypto.getRandomValues(new Uint8Array(Math.min(n, 65536)));
    const data = new Uint8Array(n);
    for (let i = 0; i < n; i += msg.length) data.set(msg.subarray(0, Math.min(msg.length, n - i)), i);
    const env = bytes && dek.encryptToBytes ? dek.encryptToBytes(data, "p") : dek.encrypt(data, "p");
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) {
      if (op === "encrypt") bytes && dek.encryptToBytes ? dek.encryptToBytes(data, "p") : dek.encrypt(data, "p");
      else dek.decrypt(env, "p");
    }
    return (performance.now() - t0) / runs;
  }, { workload, bytes });
  const { profile } = await cdp.send("Profiler.stop");
  const self = new Map();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const id of profile.samples) {
    const f = byId.get(id).callFrame;
    const name = f.functionName || `(anonymous ${f.url.split("/").pop()}:${f.lineNumber})`;
    self.set(name, (self.get(name) ?? 0) + 1);
  }
  const total = profile.samples.length;
  const idle = (self.get("(idle)") ?? 0) + (self.get("(program)") ?? 0);
  console.log(`\n${workload}${bytes ? " (bytes API)" : ""} with ${pkg}: ${wall.toPrecision(4)} ms/call; self time by function (% of ${total - idle} busy samples)`);
  const rows = [...self].filter(([n]) => n !== "(idle)" && n !== "(program)").sort((a, b) => b[1] - a[1]).slice(0, 18);
  console.table(rows.map(([name, n]) => ({ function: name.length > 90 ? name.slice(0, 87) + "…" : name, "self %": +((100 * n) / (total - idle)).toFixed(1) })));
} finally {
  await browser.close();
  server.close();
}
