// Debian's Chromium, headless, driven by playwright-core (never a downloaded browser), with the
// flags that let it run as root on a machine with no network but the package registries.
// Shared by the benchmarks and every browser check outside wasm-pack.
import { chromium } from "playwright-core";

export function launchChromium(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", ...extraArgs],
  });
}
