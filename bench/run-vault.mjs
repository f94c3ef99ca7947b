// Drives bench/vault.html in Debian's headless Chromium and prints the bulk benchmark table.
// Usage: node bench/run-vault.mjs VAULT_URL [N]
import { launchChromium } from "../tests/node/chromium.mjs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const [vault, n = "1000"] = process.argv.slice(2);
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  page.on("pageerror", (e) => console.error(`[browser] ${e}`));
  await page.goto(`${vault}/vault.html?n=${n}`);
  await page.waitForFunction(() => window.__bulk, null, { timeout: 30 * 60 * 1000, polling: 1000 });
  const result = await page.evaluate(() => window.__bulk);
  if (result.error) throw new Error(result.error);
  console.log(`\ncovault bulk benchmark — ${n} items, Chromium against covault-server (release, SQLite) on loopback\n`);
  console.table(result.rows.map((r) => ({
    phase: r.phase, items: r.items, "wall ms": Math.round(r.wallMs),
    "ms/item": r.items ? +(r.wallMs / r.items).toFixed(2) : "",
    requests: r.requests ?? "", "network ms": r.networkMs === undefined ? "" : Math.round(r.networkMs),
    "crypto ms": r.cryptoMs === undefined ? "" : Math.round(r.cryptoMs),
    "copies+JSON ms": r.otherMs === undefined ? "" : Math.round(r.otherMs),
    dominant: r.dominant ?? "",
  })));
} finally {
  await browser.close();
}
