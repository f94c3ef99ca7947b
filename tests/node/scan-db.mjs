// Scans a SQLite database (with its -wal and -shm files) for values that must never be stored:
// the browser tests' plaintexts and passphrases, and every value they logged as
// "covault-scan-needle: …" (the secret keys they generated, also as their 16 raw bytes). Each
// needle is searched raw, as hex, and inside base64url or standard base64 at all three byte
// alignments, since anything that reaches the database is inside an encoding. The scan first
// proves itself: the database must hold envelopes, and bytes that are only there inside one
// (cut from a stored ciphertext at each alignment) must be found by the encoded search.
// Usage: node tests/node/scan-db.mjs DB_PATH TEST_OUTPUT_FILE NEEDLE...
import { readFileSync, existsSync } from "node:fs";
import { secretKeyBytes } from "../../bench/secret-key.mjs";

const [db, output, ...fixed] = process.argv.slice(2);
const bytes = Buffer.concat(["", "-wal", "-shm"].filter((s) => existsSync(db + s)).map((s) => readFileSync(db + s)));
// A needle is the rest of its line (a passphrase has spaces; its first word alone, "covault",
// is a legitimate slot-name prefix in the database).
const logged = [...readFileSync(output, "utf8").matchAll(/covault-scan-needle: ([^\r\n]+)/g)].map((m) => m[1].trim());
// Keys the tests logged as base64url (a share link's fragment key), searched as their raw bytes.
const keys = [...readFileSync(output, "utf8").matchAll(/covault-scan-key: (\S+)/g)].map((m) => m[1]);


/** The base64url characters `needle` alone determines when it starts `align` bytes into a value. */
function alignedBase64(needle, align) {
  const text = Buffer.concat([Buffer.alloc(align), needle]).toString("base64url");
  return text.slice(Math.ceil((8 * align) / 6), Math.floor((8 * (align + needle.length)) / 6));
}

/** Where `needle` (a Buffer) is in `haystack`, or null. */
function find(haystack, needle) {
  if (haystack.includes(needle)) return "raw";
  const hex = needle.toString("hex");
  if (haystack.includes(hex) || haystack.includes(hex.toUpperCase())) return "hex";
  for (let align = 0; align < 3; align++) {
    const url = alignedBase64(needle, align);
    const std = url.replace(/-/g, "+").replace(/_/g, "/");
    if (haystack.includes(url) || haystack.includes(std)) return `base64 at alignment ${align}`;
  }
  return null;
}

let passed = 0, failed = 0;
const check = (ok, message) => {
  if (ok) passed++;
  else {
    failed++;
    console.log(`FAIL ${message}`);
  }
};

// The scan sees the rows, and its encoded search works on bytes planted inside an envelope.
const envelopes = [...bytes.toString("latin1").matchAll(/cv1\.a256gcm\.[A-Za-z0-9_-]{16}\.([A-Za-z0-9_-]{40,})/g)];
check(keys.every((k) => Buffer.from(k, "base64url").length === 32), "a logged link key is not 32 bytes of base64url");
check(envelopes.length >= 10 && logged.length >= 3,
  `the scan has too little to look at (${envelopes.length} envelopes, ${logged.length} logged needles)`);
if (envelopes.length) {
  const ciphertext = Buffer.from(envelopes[0][1], "base64url");
  for (const offset of [4, 5, 6]) {
    const planted = ciphertext.subarray(offset, offset + 20);
    check(!bytes.includes(planted) && find(bytes, planted)?.startsWith("base64"),
      `the planted needle at offset ${offset} was not found inside its envelope`);
  }
}

const needles = [
  ...fixed.map((n) => [n, Buffer.from(n)]),
  ...logged.map((n) => [n, Buffer.from(n)]),
  ...logged.map((n) => [`${n} (no dashes)`, Buffer.from(n.replace(/-/g, ""))]),
  ...logged.filter((n) => n.startsWith("CV1-")).map((n) => [`${n} (raw bytes)`, Buffer.from(secretKeyBytes(n))]),
  ...keys.map((k) => [`${k} (a link key's raw bytes)`, Buffer.from(k, "base64url")]),
];
for (const [name, needle] of needles) {
  const where = find(bytes, needle);
  check(!where, `the database contains ${name.slice(0, 12)}… (${where})`);
}
console.log(`scan: ${passed} passed, ${failed} failed (${bytes.length} bytes, ${envelopes.length} envelopes, ${needles.length} needles)`);
process.exit(failed ? 1 : 0);
