import {
  duration,
  type FailureDetector,
  type Nanos,
  parseConfig,
  positiveDuration,
  Rng,
  Scheduler,
  z,
} from "@understudy/core";
import { HeartbeatChannel } from "./heartbeat-channel.js";
import { channelSchema } from "./options.js";

/**
 * What the QoS runs watch: a detector and how a sign of life reaches it (a heartbeat into a
 * heartbeat detector, an increment into a BMC counter read by the BMC detector).
 */
export interface WatchedPath {
  readonly detector: FailureDetector;
  /** A sign of life sent by the hypervisor arrived at `nowNs`. */
  deliver(nowNs: Nanos): void;
}

export const qosScenarioSchema = z.strictObject({
  /** How often the hypervisor emits a sign of life (heartbeat, counter increment). */
  periodNs: positiveDuration().prefault("100ms"),
  /** How often the monitoring unit asks the detector (Fig 17). */
  pollNs: positiveDuration().prefault("10ms"),
  /** The path of each sign of life; for a BMC counter its delay stands for a late duty. */
  channel: channelSchema,
  seed: z.int().min(0).default(1),
  /** Failure-free run over which the mistakes are counted. */
  durationNs: positiveDuration().prefault("3600s"),
  /** Crash runs for the detection time, each crashing at a random phase after the warm-up. */
  crashes: z.int().min(0).default(100),
  warmupNs: duration().prefault("10s"),
  /** A crash not detected this long after it counts as undetected. */
  detectionLimitNs: positiveDuration().prefault("60s"),
});

export type QosScenarioInput = z.input<typeof qosScenarioSchema>;
type QosScenario = z.output<typeof qosScenarioSchema>;

/**
 * A detector's quality of service in the terms of Chen, Toueg and Aguilera (2002). Suspicion
 * starts and ends on the monitoring unit's polls, since that is all the system ever sees of it.
 */
export interface QosResult {
  /** T_D, crash to the start of the suspicion that lasts: mean and worst over the crash runs. */
  readonly detectionMeanNs: number | undefined;
  readonly detectionMaxNs: number | undefined;
  /** Crash runs with no lasting suspicion within the limit. */
  readonly undetected: number;
  /** Suspicions of the live hypervisor in the failure-free run. */
  readonly mistakes: number;
  /** T_MR, mean time between mistakes (run length over their count); undefined without mistakes. */
  readonly mistakeRecurrenceNs: number | undefined;
  /** T_M, mean length of a mistake; undefined without mistakes. */
  readonly mistakeDurationNs: number | undefined;
  /** P_A, the probability that a query at a random time of the failure-free run answers "alive". */
  readonly queryAccuracy: number;
}

interface Run {
  readonly scheduler: Scheduler;
  readonly channel: HeartbeatChannel;
  /** Start of each suspicion, and its end if it ended. */
  readonly suspicions: { startNs: Nanos; endNs?: Nanos }[];
  suspected: boolean;
  /** A poll found the hypervisor suspected with nothing left in flight after the crash: it lasts. */
  settled: boolean;
}

/**
 * Wires one run the way the system does: the hypervisor's duty on the period grid from time 0
 * (stopping at the crash), the channel, and the monitoring unit's polls from time 0.
 */
function startRun(scenario: QosScenario, makePath: (s: Scheduler) => WatchedPath, rng: Rng, crashAtNs?: Nanos): Run {
  const scheduler = new Scheduler();
  const path = makePath(scheduler);
  const channel = new HeartbeatChannel(scheduler, scenario.channel, rng);
  const run: Run = { scheduler, channel, suspicions: [], suspected: false, settled: false };
  scheduler.every(scenario.periodNs, (task) => {
    if (crashAtNs !== undefined && scheduler.now >= crashAtNs) task.cancel();
    else channel.send(() => path.deliver(scheduler.now));
  });
  path.detector.reset(0);
  scheduler.every(scenario.pollNs, () => {
    const suspected = path.detector.check(scheduler.now).failed;
    if (suspected !== run.suspected) {
      run.suspected = suspected;
      if (suspected) run.suspicions.push({ startNs: scheduler.now });
      else run.suspicions[run.suspicions.length - 1].endNs = scheduler.now;
    }
    run.settled = suspected && crashAtNs !== undefined && scheduler.now >= crashAtNs && channel.inFlight === 0;
  });
  return run;
}

/**
 * Measure a detector: one long failure-free run for the mistakes (T_MR, T_M, P_A), then
 * `crashes` runs that each crash the sender once, for the detection time (T_D). `makePath` is
 * called once per run for a fresh detector. Same seed, same numbers.
 */
export function measureQos(makePath: (scheduler: Scheduler) => WatchedPath, input: QosScenarioInput = {}): QosResult {
  const scenario = parseConfig(qosScenarioSchema, input, "QoS scenario");
  const rng = new Rng(scenario.seed);

  const quiet = startRun(scenario, makePath, rng.fork("failure-free"));
  quiet.scheduler.runUntil(scenario.durationNs);
  const mistakes = quiet.suspicions.length;
  const suspectedNs = quiet.suspicions.reduce((n, s) => n + (s.endNs ?? scenario.durationNs) - s.startNs, 0);

  const detections: number[] = [];
  for (let i = 0; i < scenario.crashes; i++) {
    const trialRng = rng.fork(`crash ${i}`);
    const crashAtNs = scenario.warmupNs + trialRng.int(0, scenario.periodNs - 1);
    const run = startRun(scenario, makePath, trialRng, crashAtNs);
    run.scheduler.runUntilTrue(() => run.settled, crashAtNs + scenario.detectionLimitNs);
    if (!run.settled) continue;
    const lasting = run.suspicions[run.suspicions.length - 1];
    detections.push(Math.max(0, lasting.startNs - crashAtNs));
  }

  return {
    detectionMeanNs: detections.length > 0 ? detections.reduce((a, b) => a + b, 0) / detections.length : undefined,
    detectionMaxNs: detections.length > 0 ? Math.max(...detections) : undefined,
    undetected: scenario.crashes - detections.length,
    mistakes,
    mistakeRecurrenceNs: mistakes > 0 ? scenario.durationNs / mistakes : undefined,
    mistakeDurationNs: mistakes > 0 ? suspectedNs / mistakes : undefined,
    queryAccuracy: 1 - suspectedNs / scenario.durationNs,
  };
}
