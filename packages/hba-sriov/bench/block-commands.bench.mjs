// Issue #4 benchmark: simulated block commands per wall-clock second through one HBA VF.
// Not a test: it prints numbers.
//   npm run bench   (or, after `npx turbo run build`: node packages/hba-sriov/bench/block-commands.bench.mjs)
import { performance } from "node:perf_hooks";
import { buildRunReport, createSystem } from "@understudy/core";
import { hbaSriov } from "@understudy/hba-sriov";
import { monitorBmc } from "@understudy/monitor-bmc";

const fmt = (n) => Math.round(n).toLocaleString("en-US");

console.log(
  "HBA data path: one VF (16 Gb/s port, 2 VFs: 8 Gb/s allocated), write + read-back of every chunk, verified",
);
console.log(
  `  ${"command size".padEnd(14)}${"QD".padStart(4)}${"commands".padStart(11)}${"sim time".padStart(10)}${"wall".padStart(9)}${"commands/wall s".padStart(17)}${"commands/sim s".padStart(16)}${"events".padStart(12)}`,
);
for (const { blocks, durationMs } of [
  { blocks: 1, durationMs: 500 },
  { blocks: 8, durationMs: 500 },
  { blocks: 64, durationMs: 500 },
]) {
  const system = createSystem({
    plugins: [hbaSriov(), monitorBmc()],
    config: {
      durationNs: `${durationMs}ms`,
      guests: [
        // far more than the VF can carry: the queue stays full and the link busy
        {
          name: "g1",
          critical: true,
          workloads: { hba0: { rateIops: 2_000_000, queueDepth: 32, blocksPerCommand: blocks } },
        },
        { name: "g2", workloads: { hba0: null } },
      ],
      devices: [{ kind: "hba", id: "hba0", vfs: 2, linkSpeedBps: "16Gbps" }],
    },
  });
  const start = performance.now();
  system.run();
  const wallS = (performance.now() - start) / 1000;
  const report = buildRunReport(system);
  const g1 = report.guests[0];
  if (report.violations.length > 0 || g1.failed > 0)
    throw new Error(`bench run broke: ${JSON.stringify(report.violations)}`);
  console.log(
    `  ${`${blocks * 4} KiB`.padEnd(14)}${"32".padStart(4)}${fmt(g1.completed).padStart(11)}${`${durationMs} ms`.padStart(10)}${`${wallS.toFixed(2)} s`.padStart(9)}${fmt(g1.completed / wallS).padStart(17)}${fmt(g1.completed / (durationMs / 1000)).padStart(16)}${fmt(system.scheduler.executed).padStart(12)}`,
  );
}
