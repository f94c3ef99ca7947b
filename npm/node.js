// The package's entry for Node (the "node" condition of its exports map): the same module as in
// browsers, with a default export that reads covault_bg.wasm from beside this file, so
// `import init, { Covault } from "covault"; await init();` works in Node ≥ 20 as written.
import { readFile } from "node:fs/promises";
import initWeb from "./covault.js";

export * from "./covault.js";

/** Loads the WebAssembly module; with no argument, from the package's own covault_bg.wasm. */
export default async function init(input) {
  if (input !== undefined) return initWeb(input);
  const bytes = await readFile(new URL("./covault_bg.wasm", import.meta.url));
  return initWeb({ module_or_path: bytes });
}
