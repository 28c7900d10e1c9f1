import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MS, SEC, type SystemConfigInput, US } from "@understudy/core";

/** A run drawn by `scenarioFromSeed`: the seed says it all (with the faults kept and the duration). */
export interface SeedOrigin {
  readonly seed: number;
  /** Indices into the seed's fault schedule that were kept (all when absent): a shrunk schedule. */
  readonly faults?: readonly number[];
  /** The scenario's duration when not the generator's default. */
  readonly durationNs?: number;
  /** Modules of extra plugins, as given to `--plugin`. */
  readonly pluginModules?: readonly string[];
}

/** `npx understudy replay SEED ...`: regenerates the same system and schedule, so it is exact. */
export function seedReplayCommand(origin: SeedOrigin): string {
  const parts = ["npx understudy replay", String(origin.seed)];
  if (origin.faults !== undefined)
    parts.push("--faults", origin.faults.length === 0 ? "none" : origin.faults.join(","));
  if (origin.durationNs !== undefined) parts.push("--duration", exactDuration(origin.durationNs));
  for (const module of origin.pluginModules ?? []) parts.push("--plugin", module);
  return parts.join(" ");
}

/** A duration flag that parses back to exactly `ns` ("5s", "1500ms", "1234567"). */
export function exactDuration(ns: number): string {
  for (const [unit, size] of [
    ["s", SEC],
    ["ms", MS],
    ["us", US],
  ] as const) {
    if (ns % size === 0) return `${ns / size}${unit}`;
  }
  return String(ns);
}

/**
 * Writes the scenario to `.understudy/` (named by its content, so the same scenario gives the
 * same file) and returns the `understudy run` command that replays it.
 */
export function scenarioReplayCommand(config: SystemConfigInput, directory = ".understudy"): string {
  const text = `${JSON.stringify(config, null, 2)}\n`;
  const hash = createHash("sha256").update(text).digest("hex").slice(0, 12);
  const name = String(config.name ?? "scenario").replace(/[^a-z0-9-]+/gi, "-");
  const path = join(directory, `${name}-seed${config.seed ?? 1}-${hash}.json`);
  mkdirSync(directory, { recursive: true });
  writeFileSync(path, text);
  return `npx understudy run ${path}`;
}
