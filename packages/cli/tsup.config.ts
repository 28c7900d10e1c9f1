import { defineConfig } from "tsup";

export default defineConfig({
  // the swarm's worker threads load their own entry (piscina needs a file)
  entry: { index: "src/index.ts", bin: "src/bin.ts", "swarm-worker": "src/swarm/worker.ts" },
  format: ["esm"],
  dts: { entry: "src/index.ts" },
  sourcemap: true,
  clean: true,
  target: "node20",
});
