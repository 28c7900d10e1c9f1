// Scheduler throughput against SimPy 3 on the same workload (issue #2). Prints numbers; not a test.
//
// Workload: 100 periodic processes, process i with period 1 + i % 7, run until simulated time
// 60,000. Both sides count the runs at times 1..60,000 inclusive: 2,267,994 events. Variants show
// what tracing, cancellations, generator processes and instants of one event each cost.
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Scheduler, sleep, spawn } from "@understudy/core";

const PROCESSES = 100;
const UNTIL = 60_000;
const EXPECTED_EVENTS = 2_267_994;
const RUNS = 10;
const SIMPY_RUNS = 3;
const PYTHON = "/usr/bin/python3";
const here = dirname(fileURLToPath(import.meta.url));

const periodOf = (i) => 1 + (i % 7);

/** The workload on a fresh scheduler, with `onRun(i)` as the body of process i. */
function periodicWorkload(onRun = () => () => {}) {
  const scheduler = new Scheduler();
  for (let i = 0; i < PROCESSES; i++) scheduler.every(periodOf(i), onRun(scheduler, i));
  return { scheduler, untilNs: UNTIL };
}

/** Each variant builds its workload and names the SimPy workload it compares with. */
const variants = [
  { name: "periodic tasks (every)", simpy: "grid", build: () => periodicWorkload() },
  {
    name: "periodic tasks + tracing hook (onEvent)",
    simpy: "grid",
    build: () => {
      const workload = periodicWorkload();
      let hash = 0;
      workload.scheduler.onEvent = (timeNs) => {
        hash = (Math.imul(hash, 31) + timeNs) | 0;
      };
      return workload;
    },
  },
  {
    // every run re-arms a watchdog ten periods out and cancels the previous one, so the calendar
    // carries one cancelled one-shot per event; none of them ever fires
    name: "periodic tasks + a cancelled watchdog per run",
    simpy: "grid",
    build: () =>
      periodicWorkload((scheduler, i) => {
        const expire = () => {
          throw new Error("a watchdog fired: it should have been cancelled");
        };
        let watchdog = scheduler.after(10 * periodOf(i), expire);
        return () => {
          watchdog.cancel();
          watchdog = scheduler.after(10 * periodOf(i), expire);
        };
      }),
  },
  {
    // the shape of the SimPy program: a generator process that sleeps one period at a time
    name: "generator processes (spawn + sleep)",
    simpy: "grid",
    build: () => {
      const scheduler = new Scheduler();
      for (let i = 0; i < PROCESSES; i++) {
        spawn(
          scheduler,
          (function* () {
            for (;;) yield sleep(periodOf(i));
          })(),
        );
      }
      return { scheduler, untilNs: UNTIL };
    },
  },
  {
    // the same runs a thousand times further apart, process i with a phase of i ns: no two events
    // share an instant, as in a system at nanosecond resolution; the same 2,267,994 runs
    name: "periodic tasks at distinct instants",
    simpy: "distinct",
    build: () => {
      const scheduler = new Scheduler();
      for (let i = 0; i < PROCESSES; i++) {
        const periodNs = periodOf(i) * 1000;
        scheduler.every(periodNs, () => {}, { firstNs: periodNs + i });
      }
      return { scheduler, untilNs: UNTIL * 1000 + 999 };
    },
  },
];

function measure(build) {
  let best = Number.POSITIVE_INFINITY;
  let events = 0;
  for (let run = 0; run < RUNS; run++) {
    const { scheduler, untilNs } = build();
    const start = performance.now();
    events = scheduler.runUntil(untilNs);
    best = Math.min(best, (performance.now() - start) / 1000);
    if (events !== EXPECTED_EVENTS) throw new Error(`expected ${EXPECTED_EVENTS} events, counted ${events}`);
  }
  return { events, seconds: best, rate: events / best };
}

function ensureSimpy() {
  try {
    execFileSync(PYTHON, ["-c", "import simpy"], { stdio: "ignore" });
  } catch {
    console.log("installing python3-simpy3 (Debian) ...");
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
    execFileSync("apt-get", ["install", "-y", "-qq", "python3-simpy3"], { stdio: "inherit" });
  }
}

function simpyRun(workload) {
  const script = join(here, "simpy_scheduler.py");
  const result = JSON.parse(execFileSync(PYTHON, [script, workload, String(SIMPY_RUNS)], { encoding: "utf8" }));
  if (result.events !== EXPECTED_EVENTS) throw new Error(`SimPy counted ${result.events}, not ${EXPECTED_EVENTS}`);
  return result;
}

const line = (who, { events, seconds, rate }) =>
  `  ${who}: ${events} events in ${(seconds * 1000).toFixed(1)} ms = ${(rate / 1e6).toFixed(2)} M events/s`;

console.log(`scheduler: ${PROCESSES} periodic processes, periods 1..7, until t=${UNTIL}; best of ${RUNS} runs`);
const results = variants.map((variant) => {
  const result = measure(variant.build);
  console.log(line(`understudy, ${variant.name}`, result));
  return { ...variant, ...result };
});

ensureSimpy();
const simpy = {};
for (const workload of new Set(variants.map((v) => v.simpy))) {
  simpy[workload] = simpyRun(workload);
  console.log(
    line(`simpy ${simpy[workload].simpy}, generator processes (${workload}), best of ${SIMPY_RUNS}`, simpy[workload]),
  );
}
for (const { name, rate, simpy: workload } of results) {
  console.log(`  ratio understudy / simpy, ${name}: ${(rate / simpy[workload].rate).toFixed(1)}x`);
}
