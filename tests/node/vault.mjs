// What the demo's browser tests share: a fresh covault-server on SQLite in a temporary folder,
// serving www/ and pkg/ on an ephemeral port, and the checklist each test prints.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

/** Starts the Vault binary `serverBin`; resolves to its URL and a `stop()` that kills it and
 * removes its folder. */
export async function startVault(serverBin, name) {
  const dir = mkdtempSync(join(tmpdir(), `covault-${name}-`));
  const server = spawn(serverBin, ["--listen", "127.0.0.1:0", "--database-url", `sqlite://${join(dir, `${name}.db`)}`,
    "--www-dir", join(root, "www"), "--pkg-dir", join(root, "pkg"), "--log", "error"], { stdio: ["ignore", "pipe", "inherit"] });
  const base = await new Promise((ok, fail) => {
    server.stdout.on("data", (d) => {
      const m = String(d).match(/http:\/\/[0-9.:]+/);
      if (m) ok(m[0]);
    });
    server.on("exit", (code) => fail(new Error(`covault-server exited with ${code}`)));
  });
  const stop = () => {
    server.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  return { base, server, stop };
}

/** A checklist: `expect(name, ok, detail)` prints a line per check; `finish(label, atLeast)`
 * prints the counts and exits non-zero if any failed or fewer than `atLeast` passed (a flow that
 * stopped early must not pass by having checked nothing). */
export function checklist() {
  let passed = 0, failed = 0;
  const expect = (name, ok, detail = "") => {
    console.log(`${ok ? "ok  " : "FAIL"} ${name}${ok || !detail ? "" : `: ${detail}`}`);
    ok ? passed++ : failed++;
  };
  const finish = (label, atLeast = 1) => {
    console.log(`${label}: ${passed} passed, ${failed} failed`);
    process.exit(failed || passed < atLeast ? 1 : 0);
  };
  return { expect, finish };
}
