import { type FailoverRecord, formatDuration, INVARIANTS, type RunReport } from "@understudy/core";
import { count, table } from "./table.js";

/** Absolute times in ms with µs precision, so close steps stay distinguishable. */
const at = (ns: number | undefined) => (ns === undefined ? "-" : `${(ns / 1e6).toFixed(3)} ms`);
const since = (ns: number | undefined, from: number | undefined) =>
  ns === undefined || from === undefined ? "-" : formatDuration(ns - from);

function failoverTable(record: FailoverRecord): string {
  const start = record.failureAtNs ?? record.detectedAtNs;
  const steps: [string, number | undefined, string?][] = [
    // no fault before the detection: the detector suspected a hypervisor that was alive
    record.fault === undefined
      ? ["hypervisor alive: a false suspicion (fenced and reset all the same)", undefined]
      : [`hypervisor failed (${record.fault})`, record.failureAtNs],
    [`failure detected by ${record.detector ?? "?"} (Fig 17, 1602)`, record.detectedAtNs],
    ["forced stop sent (1603)", record.forcedStopAtNs],
    ["drain started (1701)", record.drainStartedAtNs],
    ["drain completed (1702-1703)", record.drainCompletedAtNs, record.drain?.outcome],
    [
      "sub PF driver active",
      record.subPfActiveAtNs,
      record.pendingInterrupts ? `${record.pendingInterrupts} pending interrupt(s) taken` : undefined,
    ],
    ["first link answer by sub PF driver", record.firstSubPfAnswerAtNs],
    ["soft reset (1707)", record.softResetAtNs],
    ["hypervisor restarted", record.hypervisorRestartedAtNs],
    ["failed back (Fig 2)", record.failedBackAtNs],
    ...Object.entries(record.guestsRestartedAtNs).map(([g, t]): [string, number] => [`${g} restarted`, t]),
  ];
  const drain = record.drain;
  const note =
    drain && drain.outcome === "timed-out"
      ? `\n  drain bound reached: ${drain.stuckGuests.join(", ")} reset with ${drain.abandonedTxEntries} TX / ${drain.abandonedRxEntries} RX entries abandoned`
      : "";
  return (
    table(
      ["step", "at", "since failure", "note"],
      steps.map(([name, t, n]) => [name, at(t), since(t, start), n ?? ""]),
    ) + note
  );
}

/** The run report as readable tables. */
export function formatReport(report: RunReport): string {
  const out: string[] = [];
  out.push(
    `Understudy run "${report.name}": seed ${report.seed}, strategy ${report.strategy}, monitor ${report.monitor}`,
    `simulated ${formatDuration(report.simulatedNs)}, ${count(report.events)} events, trace sha256 ${report.traceHash.slice(0, 16)} (${count(report.traceEvents)} events)`,
    "",
  );
  if (report.failovers.length === 0) out.push("No failover.", "");
  report.failovers.forEach((record, i) => {
    out.push(`Failover ${i + 1}`, failoverTable(record), "");
  });
  out.push(
    "Guests (I/O units: frames or commands)",
    table(
      [
        "guest",
        "role",
        "sent",
        "completed",
        "lost",
        "refused",
        "abandoned at reset",
        "in flight",
        "failed",
        "longest I/O gap",
        "boots",
      ],
      report.guests.map((g) => [
        g.name,
        g.critical ? "critical" : "other",
        count(g.submitted),
        count(g.completed),
        count(g.lost),
        Object.entries(g.refused)
          .map(([code, n]) => `${code} ${n}`)
          .join(", ") || "-",
        count(g.abandonedAtReset),
        count(g.inFlight),
        count(g.failed),
        formatDuration(g.longestGapNs),
        String(g.boots),
      ]),
    ),
    "",
  );
  if (report.violations.length === 0) {
    out.push(`Invariants held: ${INVARIANTS.filter((i) => i !== "determinism").join(", ")}.`);
  } else {
    out.push(`INVARIANTS BROKEN (${report.violations.length}):`);
    for (const v of report.violations.slice(0, 20)) {
      out.push(`  ${v.invariant} at ${formatDuration(v.atNs)}${v.subject ? ` [${v.subject}]` : ""}: ${v.detail}`);
    }
    if (report.violations.length > 20) out.push(`  ... and ${report.violations.length - 20} more`);
  }
  return out.join("\n");
}
