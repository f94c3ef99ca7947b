// Runs tests/node/chain.html in Debian's headless Chromium: covault's published package (pkg/)
// against hash-wasm, noble, WebCrypto and hpke-js, step by step from the passphrase to a shared
// slot, and the frozen 0.1 fixture opened both by covault and from the outside.
// Exit code 0 only if every check passes. Usage: node tests/node/chain.mjs
import { launchChromium } from "./chromium.mjs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "../../bench/serve.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const server = await serve(root);
const browser = await launchChromium();
let result;
try {
  const page = await browser.newPage();
  page.on("pageerror", (e) => console.error(`[browser] ${e}`));
  await page.goto(`http://127.0.0.1:${server.address().port}/tests/node/chain.html`);
  result = await page.waitForFunction(() => window.__chain, null, { timeout: 120000 }).then((h) => h.jsonValue());
} finally {
  await browser.close();
  server.close();
}
for (const c of result.checks) console.log(`${c.ok ? "ok  " : "FAIL"} ${c.name}`);
if (result.error) console.log(`FAIL stopped: ${result.error}`);
const failed = result.checks.filter((c) => !c.ok).length + (result.error ? 1 : 0);
console.log(`outside checks: ${result.checks.length - failed + (result.error ? 1 : 0)} passed, ${failed} failed`);
process.exit(failed || result.checks.length < 20 ? 1 : 0);
