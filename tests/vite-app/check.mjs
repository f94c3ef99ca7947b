// Serves the Vite build (dist/) and checks in Debian's headless Chromium that the app loaded
// covault from its npm package and ran a share round trip. Run after `vite build`.
import { launchChromium } from "../node/chromium.mjs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "../../bench/serve.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const server = await serve(join(here, "dist"));
const browser = await launchChromium();
const errors = [];
let result = "";
try {
  const page = await browser.newPage();
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => document.body.dataset.result, null, { timeout: 30000 });
  result = await page.evaluate(() => document.body.dataset.result);
} finally {
  await browser.close();
  server.close();
}
const ok = result === "hello from a Vite app" && errors.length === 0;
console.log(`${ok ? "ok  " : "FAIL"} a Vite app imports covault from its npm package and runs a share round trip${ok ? "" : `: ${result} ${errors.join(" | ")}`}`);
console.log(`vite-app: ${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed`);
process.exit(ok ? 0 : 1);
