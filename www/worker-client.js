// The page's side of www/client-worker.js: starts the module worker and turns its messages back
// into promises, and its errors back into `Error`s named "CovaultError" with their `code`, as
// the client throws them on the main thread. Usage:
//   import { startCovaultWorker } from "/worker-client.js";
//   const vault = startCovaultWorker();
//   const { recoveryKit } = await vault.call("signup", url, email, passphrase);
//   const item = await vault.call("createItem", "Bank", { password: "hunter2" });
export function startCovaultWorker(url = "/client-worker.js") {
  const worker = new Worker(url, { type: "module" });
  const pending = new Map();
  let next = 0;
  worker.onmessage = ({ data: { id, value, error } }) => {
    const { resolve, reject } = pending.get(id);
    pending.delete(id);
    if (!error) return resolve(value);
    reject(Object.assign(new Error(error.message), { name: error.name, code: error.code }));
  };
  worker.onerror = (e) => {
    for (const { reject } of pending.values()) reject(new Error(`the worker failed: ${e.message}`));
    pending.clear();
  };
  return {
    call(method, ...args) {
      const id = next++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, method, args });
      });
    },
    terminate: () => worker.terminate(),
  };
}
