// Argon2id in a module Worker, so that login and sign-up never block the page's main thread.
// The worker loads this same package (covault.js, four levels up from this snippet in pkg/),
// stretches the passphrase, transfers the 32 bytes back and is terminated: one worker per
// derivation, so its memory (the passphrase's copy, Argon2's 64 MiB) goes with it.

// Where wasm-bindgen put this file: pkg/snippets/covault-<hash>/src/client/. A bundler that
// inlined it elsewhere gets no worker (and no failed request): the KDF then runs in place. The
// path is built from a variable so that bundlers do not take it for an asset to copy.
const here = import.meta.url;
const up = "../../../../";
const unbundled = /\/snippets\/covault-[^/]+\/src\/client\/kdf_worker\.js$/.test(new URL(here).pathname);
const glue = unbundled ? new URL(up + "covault.js", here).href : "";

const source = `import init, { __covaultKdfStretch } from ${JSON.stringify(glue)};
onmessage = async ({ data }) => {
  try {
    await init();
    postMessage({ ready: true });
    const out = __covaultKdfStretch(data.passphrase, data.salt, data.m, data.t, data.p);
    postMessage({ out }, [out.buffer]);
  } catch (e) {
    postMessage({ error: String((e && e.message) || e) });
  }
};`;

/** How long a worker may take to load covault before the KDF runs in place instead. */
const START_TIMEOUT_MS = 10000;

/** Whether a worker can take the KDF: a page's main thread with module workers. */
export function kdfWorkerAvailable() {
  return unbundled && typeof Worker === "function" && typeof document !== "undefined" && typeof Blob === "function";
}

/** Resolves to the 32-byte stretched passphrase, or rejects if the worker cannot run. */
export function stretchInWorker(passphrase, salt, m, t, p) {
  return new Promise((resolve, reject) => {
    let url, worker;
    try {
      url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
      worker = new Worker(url, { type: "module" });
    } catch (e) {
      if (url) URL.revokeObjectURL(url);
      reject(e);
      return;
    }
    // A worker that cannot even load the module (a stalled fetch of covault.js or the wasm)
    // must not hold the login up forever: without word within this time, derive in place.
    const loading = setTimeout(() => {
      done();
      reject(new Error("the KDF worker did not start"));
    }, START_TIMEOUT_MS);
    const done = () => {
      clearTimeout(loading);
      worker.terminate();
      URL.revokeObjectURL(url);
    };
    worker.onmessage = ({ data }) => {
      if (data.ready) {
        clearTimeout(loading);
        return;
      }
      done();
      if (data.out instanceof Uint8Array) resolve(data.out);
      else reject(new Error(data.error || "no result from the KDF worker"));
    };
    worker.onerror = (e) => {
      done();
      reject(new Error(e.message || "the KDF worker failed to start"));
    };
    worker.postMessage({ passphrase, salt, m, t, p });
  });
}
