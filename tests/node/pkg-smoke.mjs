// Loads pkg/ (the optimized release build) in Debian's headless Chromium and checks that it
// initializes and works, with no console errors. Exit code 0 only if every check passes.
import { launchChromium } from "./chromium.mjs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "../../bench/serve.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const server = await serve(root);
const browser = await launchChromium();
const errors = [];
let passed = 0, failed = 0;
const expect = (name, ok) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${name}`);
  ok ? passed++ : failed++;
};
try {
  const page = await browser.newPage();
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`http://127.0.0.1:${server.address().port}/tests/node/pkg-smoke.html`);
  const result = await page.waitForFunction(() => window.__smoke, null, { timeout: 60000 }).then((h) => h.jsonValue());
  expect(`optimized module initializes${result.error ? `: ${result.error}` : ""}`, !result.error);
  expect("slot decrypts through a share DEK opened in Auth mode", result.value === "value ✓");
  expect("a moved slot throws a CovaultError with code Integrity", result.code === "true:CovaultError:Integrity");
  expect("isCovaultError tells covault's errors from others", result.guard === true);
  expect("fingerprints match on both sides", result.fingerprintsMatch === true);
  expect(`no console errors${errors.length ? `: ${errors.join("; ")}` : ""}`, errors.length === 0);
} finally {
  await browser.close();
  server.close();
}
console.log(`smoke: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
