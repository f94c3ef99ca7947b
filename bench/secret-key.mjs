// The printable secret key's raw bytes, written out from its format (src/crypto/secret_key.rs)
// rather than asked of covault: shared by the outside checks (bench/chain.mjs, in the browser)
// and the database scan (tests/node/scan-db.mjs, in Node). No dependencies.

/** The 16 raw bytes of a printable secret key (CV1- then 28 Crockford base32 symbols). */
export function secretKeyBytes(printable) {
  const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  let bits = "";
  for (const c of printable.replace(/^CV1-/, "").replace(/-/g, "")) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  return Uint8Array.from({ length: 16 }, (_, i) => parseInt(bits.slice(8 * i, 8 * i + 8), 2));
}
