import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import type { SwarmSummary } from "./commands/swarm.js";
import { parseFaultIndices } from "./flags.js";
import { parseShard, seedsOf } from "./swarm/shard.js";

// These run the built command (npm test builds first): the swarm's workers load the built worker.
const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const brokenPlugin = fileURLToPath(new URL("../test/fixtures/drops-a-frame-after-a-failure.mjs", import.meta.url));
const understudy = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });

function swarm(...args: string[]): SwarmSummary {
  const result = understudy("swarm", "--json", "--duration", "1s", ...args);
  expect(result.stderr).toBe("");
  return JSON.parse(result.stdout) as SwarmSummary;
}

/** The arguments of a printed `npx understudy ...` command. */
const argsOf = (command: string) => command.replace(/^npx understudy /, "").split(" ");

describe("understudy swarm", () => {
  test("the same seeds give the same results and trace hashes on 1 worker and on 2", () => {
    const one = swarm("--seeds", "6", "--workers", "1");
    const two = swarm("--seeds", "6", "--workers", "2");
    const byseed = (s: SwarmSummary) =>
      Object.fromEntries(s.results.map((r) => [r.seed, { ok: r.ok, hash: r.traceHash, events: r.events }]));
    expect(one.workers).toBe(1);
    expect(two.workers).toBe(2);
    expect(Object.keys(byseed(one))).toEqual(["1", "2", "3", "4", "5", "6"]);
    expect(byseed(two)).toEqual(byseed(one));
    expect(one.results.every((r) => /^[0-9a-f]{64}$/.test(r.traceHash))).toBe(true);
  });

  test("replay reproduces a failure the swarm found, and the shrunk schedule's command reproduces it too", () => {
    const result = understudy("swarm", "--json", "--duration", "1s", "--seeds", "8", "--plugin", brokenPlugin);
    expect(result.status).toBe(1);
    const summary = JSON.parse(result.stdout) as SwarmSummary;
    expect(summary.failed.length).toBeGreaterThan(0);
    const failure = summary.failed[0];
    expect(failure.replay).toBe(`npx understudy replay ${failure.result.seed} --duration 1s --plugin ${brokenPlugin}`);

    const replay = understudy(...argsOf(failure.replay), "--json");
    expect(replay.status).toBe(1);
    const report = JSON.parse(replay.stdout);
    expect(report.traceHash).toBe(failure.result.traceHash);
    expect(report.violations.slice(0, 5)).toEqual(failure.result.violations);

    const shrunk = failure.shrunk;
    expect(shrunk).toBeDefined();
    expect(shrunk?.faults.length).toBeLessThanOrEqual(failure.result.faults);
    const shrunkReplay = understudy(...argsOf(shrunk?.replay ?? ""), "--json");
    expect(shrunkReplay.status).toBe(1);
    const shrunkReport = JSON.parse(shrunkReplay.stdout);
    expect(shrunkReport.traceHash).toBe(shrunk?.result.traceHash);
    expect(shrunkReport.violations[0].invariant).toBe(failure.result.violations[0].invariant);
  });

  test("the text report counts the seeds and prints a replay command for each failing one", () => {
    const result = understudy("swarm", "--duration", "1s", "--seeds", "3", "--plugin", brokenPlugin, "--no-shrink");
    expect(result.stdout).toMatch(
      /^swarm: 3 scenarios of 1 s \(seeds 1\.\.3\) on \d+ workers?: \d passed, \d failed in /,
    );
    expect(result.stdout).toMatch(/broken: critical-continuity \d/);
    expect(result.stdout).toMatch(/\n {2}replay: npx understudy replay \d+ --duration 1s --plugin /);
  });

  test("a bad option exits with status 2 and names it", () => {
    const result = understudy("swarm", "--seeds", "0");
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--seeds: got "0"; expected a positive integer');
    expect(understudy("swarm", "--shard", "3/2").stderr).toContain('--shard: got "3/2"');
    expect(understudy("replay", "7", "--faults", "x").stderr).toContain('--faults: got "x"');
  });
});

describe("sharding and flags", () => {
  test("the shards of a campaign run every seed exactly once, each a like mix", () => {
    const shards = [1, 2, 3].map((index) => seedsOf(100, 10, parseShard(`${index}/3`)));
    expect(shards).toEqual([
      [100, 103, 106, 109],
      [101, 104, 107],
      [102, 105, 108],
    ]);
    expect(seedsOf(1, 4)).toEqual([1, 2, 3, 4]);
  });

  test("--faults takes indices of the schedule or none", () => {
    expect(parseFaultIndices("0, 2")).toEqual([0, 2]);
    expect(parseFaultIndices("none")).toEqual([]);
    expect(parseFaultIndices(undefined)).toBeUndefined();
  });
});
