#!/usr/bin/env node
import { UnderstudyError } from "@understudy/core";
import { Command, InvalidArgumentError } from "commander";
import { runScenario } from "./commands/run.js";
import { formatReport } from "./format/report-text.js";

const program = new Command()
  .name("understudy")
  .description("Simulate SR-IOV I/O that keeps running when the hypervisor dies (patent JP5874879B2).")
  .showHelpAfterError();

program
  .command("run", { isDefault: false })
  .description("run a scenario (the built-in default when no file is given) and print its failover report")
  .argument("[scenario]", "YAML or JSON scenario file")
  .option(
    "--strategy <name>",
    "failover strategy: rebuild-on-failover (embodiment 1) or continuous-sync (embodiment 2)",
  )
  .option("--monitor <kind>", "hypervisor monitor: bmc or heartbeat")
  .option("--seed <n>", "PRNG seed")
  .option("--crash-at <time>", 'time of the hypervisor crash, e.g. "2s", or "none"')
  .option("--duration <time>", 'simulated duration of the workloads, e.g. "10s"')
  .option("--json", "print the report as JSON")
  .option("--trace <file>", "write every trace event (hook call) as JSON lines to <file>")
  .action((file: string | undefined, opts: Record<string, string | boolean | undefined>) => {
    const report = runScenario({
      file,
      strategy: opts.strategy as string | undefined,
      monitor: opts.monitor as string | undefined,
      seed: opts.seed as string | undefined,
      crashAt: opts.crashAt as string | undefined,
      duration: opts.duration as string | undefined,
      traceFile: opts.trace as string | undefined,
    });
    process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
    if (report.violations.length > 0) process.exitCode = 1;
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // a user's mistake gets a message, not a stack trace
  if (error instanceof UnderstudyError) {
    process.stderr.write(`understudy: ${error.message}\n`);
    process.exitCode = 2;
  } else if (error instanceof InvalidArgumentError) {
    process.exitCode = 2;
  } else {
    throw error;
  }
}
