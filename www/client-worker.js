// The covault Vault client inside a module worker: the session (its keys, and the Argon2id
// derivation at sign-up and log-in) lives here, off the page's main thread, and the page talks
// to it with messages (www/worker-client.js). Start it with
//   new Worker("/client-worker.js", { type: "module" })
// Messages in: { id, method, args }. `method` is "signup" or "login" (they replace this worker's
// session), "isRemembered", "forgetDevice", "floorKdfParams", "inWorker", or any method of the `Covault` session ("createItem",
// "invite", "readShare", ...). Messages out: { id, value } or { id, error: { name, code, message } }
// (a thrown CovaultError keeps its code; structured cloning alone would drop it).
import init, { Covault, floorKdfParams } from "/pkg/covault.js";

const ready = init();
let session = null;

const statics = {
  async signup(url, email, passphrase, opts) {
    session = await Covault.signup(url, email, passphrase, opts);
    return { recoveryKit: session.recoveryKit };
  },
  async login(url, email, passphrase, secretKey, opts) {
    session = await Covault.login(url, email, passphrase, secretKey, opts);
    return { recoveryKit: session.recoveryKit };
  },
  // The secret key this device remembers (rememberDevice): IndexedDB works in workers too.
  isRemembered: (url, email) => Covault.isRemembered(url, email),
  forgetDevice: (url, email) => Covault.forgetDevice(url, email),
  floorKdfParams: () => floorKdfParams(),
  // Lets a page (and the test) confirm the client really runs in a worker scope.
  inWorker: () => typeof WorkerGlobalScope !== "undefined" && self instanceof WorkerGlobalScope,
};

async function run(method, args) {
  await ready;
  if (Object.hasOwn(statics, method)) return statics[method](...args);
  if (!session) throw Object.assign(new Error("sign up or log in first"), { name: "NoSession" });
  // Own methods of the prototype only: not getters, the constructor or wasm-bindgen internals.
  const fn = Object.getOwnPropertyDescriptor(Covault.prototype, method)?.value;
  if (typeof fn !== "function" || method === "constructor" || method.startsWith("_") || method === "free") {
    throw Object.assign(new Error(`no such method: ${method}`), { name: "NoSuchMethod" });
  }
  return fn.apply(session, args);
}

self.onmessage = async ({ data: { id, method, args = [] } }) => {
  try {
    self.postMessage({ id, value: await run(method, args) });
  } catch (e) {
    self.postMessage({ id, error: { name: e?.name ?? "Error", code: e?.code, message: e?.message ?? String(e) } });
  }
};
