import { defineConfig } from "vite";

// Top-level await (to load the wasm module) needs an ES2022 target.
export default defineConfig({ build: { target: "es2022" } });
