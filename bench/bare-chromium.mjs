// Debian's headless Chromium opened straight on a benchmark page, watched through a bare
// DevTools socket that only ever sends Runtime.evaluate. Why not playwright (as the tests use):
// playwright enables the DevTools Network domain on every page, and Chromium then keeps a copy
// of each request and response body for the inspector and reports every request over the
// socket. On the file benchmark that cost a page three quarters of its fetch throughput and
// 100 to 200 MiB of memory (docs/benchmarks.md), which no user's tab pays.
// Needs a global WebSocket: Node 22, or Node 20 with --experimental-websocket.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Opens `url` in a fresh headless Chromium; `evaluate(expression)` returns its value. */
export async function openBare(url, extraArgs = []) {
  if (typeof WebSocket === "undefined") throw new Error("needs a global WebSocket (Node 22, or --experimental-websocket)");
  const profile = mkdtempSync(join(tmpdir(), "covault-bench-"));
  const chromium = spawn(process.env.CHROMIUM ?? "/usr/bin/chromium", [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", `--user-data-dir=${profile}`,
    "--remote-debugging-port=0", ...extraArgs, url,
  ], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  const port = await new Promise((resolve, reject) => {
    chromium.stderr.on("data", (d) => {
      stderr += d;
      const m = stderr.match(/DevTools listening on ws:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) resolve(m[1]);
    });
    chromium.once("exit", (code) => reject(new Error(`Chromium exited (${code}):\n${stderr}`)));
  });
  let target;
  for (let i = 0; i < 50 && !target; i++) {
    target = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()).find((t) => t.type === "page");
    if (!target) await new Promise((r) => setTimeout(r, 100));
  }
  if (!target) throw new Error("Chromium opened no page");
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve);
    socket.addEventListener("error", () => reject(new Error("the DevTools socket failed")));
  });
  let next = 0;
  const pending = new Map();
  socket.addEventListener("message", (e) => {
    const m = JSON.parse(e.data);
    pending.get(m.id)?.(m);
    pending.delete(m.id);
  });
  return {
    pid: chromium.pid,
    /** The value of `expression` in the page (JSON-serialisable), or an error it threw. */
    evaluate(expression) {
      return new Promise((resolve, reject) => {
        const id = ++next;
        pending.set(id, (m) => {
          if (m.error) reject(new Error(m.error.message));
          else if (m.result.exceptionDetails) reject(new Error(m.result.exceptionDetails.text));
          else resolve(m.result.result.value);
        });
        socket.send(JSON.stringify({ id, method: "Runtime.evaluate", params: { expression, returnByValue: true } }));
      });
    },
    /** Waits until `expression` is truthy in the page, polling every `everyMs`; its value. */
    async waitFor(expression, everyMs = 500, timeoutMs = 60 * 60 * 1000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const value = await this.evaluate(expression);
        if (value) return value;
        if (Date.now() > end) throw new Error(`timed out waiting for ${expression}`);
        await new Promise((r) => setTimeout(r, everyMs));
      }
    },
    /** Ends Chromium and removes its profile. */
    async close() {
      socket.close();
      const exited = new Promise((r) => chromium.once("exit", r));
      chromium.kill();
      await exited;
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The processes below `root` (pid → parent pid from /proc/PID/stat). */
function descendants(root) {
  const parent = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch { /* gone */ }
  }
  const below = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parent) {
      if (!below.has(pid) && below.has(ppid)) { below.add(pid); grew = true; }
    }
  }
  below.delete(root);
  return [...below];
}

/** The proportional set size in bytes (private pages, plus each shared page divided among the
 * processes sharing it) of the largest Chromium renderer below `root`: the page's (the others
 * are spare or extension renderers of a few MiB). What the operating system charges for the
 * tab: wasm memory, JS heap and buffers included; a Blob's bytes live in the browser process. */
export function rendererPss(root) {
  let largest = 0;
  for (const pid of descendants(root)) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("--type=renderer")) continue;
      const m = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8").match(/^Pss:\s+(\d+) kB/m);
      if (m) largest = Math.max(largest, Number(m[1]) * 1024);
    } catch { /* gone */ }
  }
  return largest;
}
