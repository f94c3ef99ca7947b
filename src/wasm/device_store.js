// The secret key a device remembers (`rememberDevice`, src/wasm/device.rs): one IndexedDB record
// per Vault and email, sealed with AES-256-GCM under a WebCrypto key made non-extractable and
// kept in the record itself (IndexedDB stores the CryptoKey by structured clone, which keeps it
// non-extractable: script can use it to decrypt on this origin, never read its bytes). The AAD
// binds the Vault URL and the email, so a record copied under another account does not open.
// Only `globalThis`: this runs in a page and in a Web Worker alike.

const DB = "covault-device";
const STORE = "secret-keys";
const FORMAT = 1;

function factory() {
  const idb = globalThis.indexedDB;
  if (!idb) throw new Error("this environment has no IndexedDB");
  return idb;
}

function subtle() {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error("this environment has no WebCrypto (crypto.subtle needs a secure context)");
  return s;
}

const settle = (request) => new Promise((ok, fail) => {
  request.onsuccess = () => ok(request.result);
  request.onerror = () => fail(request.error);
});

function open() {
  return new Promise((ok, fail) => {
    const request = factory().open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => {
      const db = request.result;
      // Another tab deleting or upgrading the database must not wait on us.
      db.onversionchange = () => db.close();
      ok(db);
    };
    request.onerror = () => fail(request.error);
  });
}

/** Requests in one transaction, resolved with their results once it has committed. Nothing
 * asynchronous may run inside it (the transaction would commit under us), so the crypto runs
 * before or after. */
async function transact(mode, makeRequests) {
  const db = await open();
  try {
    const tx = db.transaction(STORE, mode);
    const committed = new Promise((ok, fail) => {
      tx.oncomplete = ok;
      tx.onerror = () => fail(tx.error);
      tx.onabort = () => fail(tx.error ?? new Error("the IndexedDB transaction was aborted"));
    });
    committed.catch(() => {}); // awaited below; a failed request rejects first
    const results = await Promise.all(makeRequests(tx.objectStore(STORE)).map(settle));
    await committed;
    return results;
  } finally {
    db.close();
  }
}

/** The record's key: the Vault URL as the URL parser writes it (scheme and host in lower
 * case, default port dropped), without a trailing slash, then the email (normalized by the
 * caller as the client does). */
function vaultOf(url) {
  let href = url;
  try {
    href = new URL(url, globalThis.location?.href).href;
  } catch {
    // Not a URL the parser takes: the text as given still tells Vaults apart.
  }
  return href.replace(/\/+$/, "");
}

const recordKey = (url, email) => `${vaultOf(url)} ${email}`;
const aad = (url, email) => new TextEncoder().encode(`covault/device-secret-key/v1\0${vaultOf(url)}\0${email}`);

/** Seals `secret` (the printable secret key's bytes, wiped here once sealed) and stores it for
 * this Vault and email, replacing what was there. */
export async function deviceRemember(url, email, secret) {
  try {
    const key = await subtle().generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
    const sealed = await subtle().encrypt({ name: "AES-GCM", iv, additionalData: aad(url, email) }, key, secret);
    const record = { format: FORMAT, vault: vaultOf(url), email, key, iv, sealed: new Uint8Array(sealed) };
    await transact("readwrite", (store) => [store.put(record, recordKey(url, email))]);
  } finally {
    secret.fill(0);
  }
}

/** The remembered secret key's bytes for this Vault and email; `undefined` when there is
 * none. Rejects with `{ integrity: true }` when the record is there but does not open. */
export async function deviceRecall(url, email) {
  const [record] = await transact("readonly", (store) => [store.get(recordKey(url, email))]);
  if (record === undefined) return undefined;
  const { format, key, iv, sealed } = record ?? {};
  if (format !== FORMAT || !(key instanceof CryptoKey) || !(iv instanceof Uint8Array) || !(sealed instanceof Uint8Array)) {
    throw { integrity: true, message: "the record on this device is not one covault wrote" };
  }
  try {
    return new Uint8Array(await subtle().decrypt({ name: "AES-GCM", iv, additionalData: aad(url, email) }, key, sealed));
  } catch (e) {
    throw { integrity: true, message: `it does not decrypt (${e?.name ?? e})` };
  }
}

/** Rejects unless this environment can remember a secret key: IndexedDB opens and WebCrypto
 * is there. Checked before a login's key derivation, which would otherwise be wasted. */
export async function deviceAvailable() {
  subtle();
  (await open()).close();
}

/** Whether a secret key is remembered for this Vault and email (without opening it); false
 * where nothing can be. Never rejects. */
export async function deviceRemembers(url, email) {
  try {
    const [count] = await transact("readonly", (store) => [store.count(recordKey(url, email))]);
    return count > 0;
  } catch {
    return false;
  }
}

/** Deletes the record for this Vault and email; whether there was one (counted in the same
 * transaction, so the answer is about what was deleted). Where there is no IndexedDB, nothing
 * can have been remembered: false. A storage failure rejects with a CovaultError
 * (`NotRemembered`), as the client's own errors are. */
export async function deviceForget(url, email) {
  if (!globalThis.indexedDB) return false;
  const key = recordKey(url, email);
  try {
    const [count] = await transact("readwrite", (store) => [store.count(key), store.delete(key)]);
    return count > 0;
  } catch (e) {
    const error = new Error(`not remembered: this device could not forget the secret key: ${e?.message ?? e}`);
    throw Object.assign(error, { name: "CovaultError", code: "NotRemembered" });
  }
}
