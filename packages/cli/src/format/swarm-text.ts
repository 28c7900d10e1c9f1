import { formatDuration } from "@understudy/core";
import type { FailedSeed, SwarmSummary } from "../commands/swarm.js";

function firstProblem(failure: FailedSeed): string {
  const { result } = failure;
  if (result.error !== undefined) return `error: ${result.error}`;
  const v = result.violations[0];
  if (v === undefined) return "failed without a violation";
  const more = result.violationCount > 1 ? ` (+${result.violationCount - 1} more)` : "";
  return `${v.invariant} at ${formatDuration(v.atNs)}${v.subject ? ` (${v.subject})` : ""}: ${v.detail}${more}`;
}

/** The swarm's report: counts, then each failing seed with what broke and how to replay it. */
export function formatSwarm(summary: SwarmSummary): string {
  const s = summary;
  const range = `seeds ${s.first}..${s.first + s.seeds - 1}${s.shard ? `, shard ${s.shard.index}/${s.shard.count}` : ""}`;
  const each = s.durationNs === undefined ? "5 s" : formatDuration(s.durationNs);
  const out = [
    `swarm: ${s.ran} scenarios of ${each} (${range}) on ${s.workers} worker${s.workers === 1 ? "" : "s"}: ` +
      `${s.passed} passed, ${s.failed.length} failed in ${s.wallSeconds.toFixed(1)} s (${s.seedsPerSecond.toFixed(1)} seeds/s)`,
  ];
  if (s.failed.length === 0) {
    out.push("no invariant broken");
    return out.join("\n");
  }
  out.push(
    `broken: ${Object.entries(s.byInvariant)
      .sort(([, a], [, b]) => b - a)
      .map(([name, n]) => `${name} ${n}`)
      .join(", ")}`,
    "",
  );
  for (const failure of [...s.failed].sort((a, b) => a.result.seed - b.result.seed)) {
    out.push(`seed ${failure.result.seed}  ${firstProblem(failure)}`);
    out.push(`  replay: ${failure.replay}`);
    const shrunk = failure.shrunk;
    if (shrunk) {
      out.push(
        `  shrunk from ${failure.result.faults} to ${shrunk.faults.length} fault${shrunk.faults.length === 1 ? "" : "s"} ` +
          `[${shrunk.faults.join(", ")}] in ${shrunk.runs} runs: ${shrunk.replay}`,
      );
    }
  }
  if (s.shrinkSeconds > 0.05) out.push("", `shrinking took ${s.shrinkSeconds.toFixed(1)} s`);
  return out.join("\n");
}
