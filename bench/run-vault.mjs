// Drives bench/vault.html in Debian's headless Chromium (bare: no DevTools Network domain, see
// bench/bare-chromium.mjs) and prints the bulk benchmark table.
// Usage: node bench/run-vault.mjs VAULT_URL [N]
import { openBare } from "./bare-chromium.mjs";

const [vault, n = "1000"] = process.argv.slice(2);
const tab = await openBare(`${vault}/vault.html?n=${n}`);
try {
  const result = await tab.waitFor("window.__bulk", 1000, 30 * 60 * 1000);
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
  await tab.close();
}
