// A minimal W3C WebDriver client for the page tests outside Chromium: playwright-core drives
// Firefox and WebKit only through its own patched builds, which cannot be installed here (see
// README, "Browsers, engines and Web Workers"). Starts Debian's drivers on a free port:
// geckodriver for Firefox ESR, WebKitWebDriver (with MiniBrowser under a private Xvfb) for
// WebKitGTK. Only what the tests use: open a session, go to a URL, run an async script, quit.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { homedir } from "node:os";
import { join } from "node:path";

const freePort = () => new Promise((ok) => {
  const s = createServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => ok(port)); });
});

/** Xvfb on a display it picks itself; resolves to [":N", process]. */
function startXvfb() {
  const xvfb = spawn("Xvfb", ["-displayfd", "1", "-nolisten", "tcp", "-screen", "0", "1280x1024x24"],
    { stdio: ["ignore", "pipe", "ignore"] });
  return new Promise((ok, fail) => {
    xvfb.stdout.once("data", (d) => ok([`:${String(d).trim()}`, xvfb]));
    xvfb.once("exit", (code) => fail(new Error(`Xvfb exited with ${code}`)));
  });
}

const engines = {
  firefox: async () => ({
    bin: process.env.COVAULT_GECKODRIVER ?? join(homedir(), ".cargo/bin/geckodriver"),
    env: process.env,
    caps: { "moz:firefoxOptions": { binary: "/usr/bin/firefox-esr", args: ["-headless"] } },
    extra: [],
  }),
  webkit: async () => {
    const [display, xvfb] = await startXvfb();
    return {
      bin: "/usr/bin/WebKitWebDriver",
      env: { ...process.env, DISPLAY: display },
      caps: { "webkitgtk:browserOptions": {
        binary: "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser", args: ["--automation"] } },
      extra: [xvfb],
    };
  },
};

/** Starts `engine`'s driver and a session in it. */
export async function openBrowser(engine) {
  const { bin, env, caps, extra } = await engines[engine]();
  const port = await freePort();
  const driver = spawn(bin, [`--port=${port}`], { env, stdio: ["ignore", "ignore", "inherit"] });
  const base = `http://127.0.0.1:${port}`;
  const send = async (method, path, body) => {
    const res = await fetch(base + path, { method, headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body) });
    const json = await res.json();
    if (!res.ok) throw new Error(`WebDriver ${method} ${path}: ${JSON.stringify(json.value)}`);
    return json.value;
  };
  let session;
  for (let i = 0; ; i++) {
    try {
      session = await send("POST", "/session", { capabilities: { alwaysMatch: caps } });
      break;
    } catch (e) {
      if (i > 100 || !/ECONNREFUSED|fetch failed/.test(`${e.message} ${e.cause?.code}`)) throw e;
      await new Promise((ok) => setTimeout(ok, 100));
    }
  }
  const id = session.sessionId;
  await send("POST", `/session/${id}/timeouts`, { script: 180000 });
  return {
    name: `${session.capabilities.browserName} ${session.capabilities.browserVersion}`,
    goto: (url) => send("POST", `/session/${id}/url`, { url }),
    /** Runs `fn` (an async function, stringified) in the page; its result, as JSON. */
    run: (fn) => send("POST", `/session/${id}/execute/async`, {
      script: `const done = arguments[arguments.length - 1];
        (${fn})().then((value) => done({ value }), (e) => done({ error: String(e) + " " + (e?.stack ?? "") }));`,
      args: [],
    }),
    async close() {
      await send("DELETE", `/session/${id}`).catch(() => {});
      driver.kill();
      for (const p of extra) p.kill();
    },
  };
}
