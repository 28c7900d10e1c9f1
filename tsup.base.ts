import { defineConfig, type Options } from "tsup";

/** The build every package shares: ESM with declarations, for Node 20. */
export function packageBuild(overrides: Options = {}) {
  return defineConfig({
    entry: ["src/index.ts"],
    format: ["esm"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "node20",
    ...overrides,
  });
}
