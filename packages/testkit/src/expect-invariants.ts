import { DETERMINISM, formatDuration, type InvariantViolation } from "@understudy/core";
import type { ScenarioBuilder, SimResult } from "./scenario.js";

const SHOWN = 10;

/** A failed invariant assertion; its message says what broke, when, where, and how to replay it. */
export class InvariantFailure extends Error {
  constructor(
    readonly violations: readonly Pick<InvariantViolation, "invariant" | "atNs" | "subject" | "detail">[],
    readonly seed: number,
    readonly replay: string,
    scenarioName: string,
  ) {
    const lines = violations
      .slice(0, SHOWN)
      .map(
        (v) =>
          `  ${v.invariant} at ${v.atNs} ns (${formatDuration(v.atNs)})${v.subject ? `, ${v.subject}` : ""}: ${v.detail}`,
      );
    if (violations.length > SHOWN) lines.push(`  ... and ${violations.length - SHOWN} more`);
    super(
      [
        `${violations.length} invariant violation${violations.length === 1 ? "" : "s"} in scenario "${scenarioName}" (seed ${seed}):`,
        ...lines,
        `replay: ${replay}`,
      ].join("\n"),
    );
    this.name = "InvariantFailure";
  }
}

export interface ExpectInvariantsOptions {
  /** Invariants this test expects to break (they are not reported). */
  readonly allow?: readonly string[];
}

/** Throws an `InvariantFailure` if the run broke any invariant (other than the allowed ones). */
export function expectInvariants(result: SimResult, options: ExpectInvariantsOptions = {}): void {
  const allowed = new Set(options.allow ?? []);
  const broken = result.violations.filter((v) => !allowed.has(v.invariant));
  if (broken.length === 0) return;
  throw new InvariantFailure(broken, result.seed, result.replayCommand(), String(result.config.name ?? "scenario"));
}

/**
 * Invariant `determinism`: run the scenario twice; the traces must be the same, event for event.
 * On a difference the failure names the first event where the runs parted. Returns the first run.
 */
export function expectDeterministic(scenario: ScenarioBuilder): SimResult {
  const first = scenario.run({ keepTrace: true });
  const second = scenario.run({ keepTrace: true });
  if (first.traceHash === second.traceHash) return first;
  const a = first.system.trace.events;
  const b = second.system.trace.events;
  let i = 0;
  while (i < a.length && i < b.length && JSON.stringify(a[i]) === JSON.stringify(b[i])) i++;
  const describe = (e: (typeof a)[number] | undefined) =>
    e === undefined ? "nothing" : `${e.kind} ${JSON.stringify(e.data)} at ${e.atNs} ns`;
  throw new InvariantFailure(
    [
      {
        invariant: DETERMINISM,
        atNs: Math.min(a[i]?.atNs ?? Number.MAX_SAFE_INTEGER, b[i]?.atNs ?? Number.MAX_SAFE_INTEGER),
        subject: `trace event ${i}`,
        detail: `the same scenario run twice parted: first ${describe(a[i])}, then ${describe(b[i])}`,
      },
    ],
    first.seed,
    first.replayCommand(),
    String(first.config.name ?? "scenario"),
  );
}
