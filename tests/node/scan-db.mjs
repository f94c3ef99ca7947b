// Scans a SQLite database (with its -wal and -shm files) for values that must never be stored:
// the browser tests' plaintexts and passphrases, and every value they logged as
// "covault-scan-needle: …" (the secret keys they generated).
// Usage: node tests/node/scan-db.mjs DB_PATH TEST_OUTPUT_FILE NEEDLE...
import { readFileSync, existsSync } from "node:fs";

const [db, output, ...fixed] = process.argv.slice(2);
const bytes = Buffer.concat(["", "-wal", "-shm"].filter((s) => existsSync(db + s)).map((s) => readFileSync(db + s)));
const logged = [...readFileSync(output, "utf8").matchAll(/covault-scan-needle: (\S+)/g)].map((m) => m[1]);
const needles = [...fixed, ...logged, ...logged.map((k) => k.replace(/-/g, ""))];
let passed = 0, failed = 0;
if (bytes.length < 10000 || logged.length < 3) {
  console.log(`FAIL the scan has too little to look at (${bytes.length} bytes, ${logged.length} logged needles)`);
  failed++;
}
for (const needle of needles) {
  if (bytes.includes(Buffer.from(needle))) {
    console.log(`FAIL the database contains ${needle.slice(0, 12)}…`);
    failed++;
  } else {
    passed++;
  }
}
console.log(`scan: ${passed} passed, ${failed} failed (${bytes.length} bytes, ${needles.length} needles)`);
process.exit(failed ? 1 : 0);
