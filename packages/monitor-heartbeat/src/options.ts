import { duration, positiveDuration, z } from "@understudy/core";

/**
 * Extra delay of one heartbeat on top of the channel's latency, drawn from the system's seeded
 * PRNG. A delay is never negative: a `normal` jitter that would make it so is clamped at zero,
 * so give the channel a latency of about three standard deviations to keep the bell whole.
 */
export const jitterSchema = z
  .discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("none") }),
    /** Uniform on [0, maxNs]. */
    z.strictObject({ kind: z.literal("uniform"), maxNs: duration() }),
    /** Normal with mean 0 and this standard deviation. */
    z.strictObject({ kind: z.literal("normal"), stdDevNs: duration() }),
    /** Exponential with this mean (and standard deviation): a long tail, like a loaded network. */
    z.strictObject({ kind: z.literal("exponential"), meanNs: positiveDuration() }),
  ])
  .prefault({ kind: "none" });

export type Jitter = z.output<typeof jitterSchema>;

/** The path of heartbeats from the hypervisor to the critical guest. */
export const channelSchema = z
  .strictObject({
    /** Base delay of every heartbeat. */
    latencyNs: duration().prefault("50us"),
    jitter: jitterSchema,
    /** Each heartbeat is lost with this probability, independently of the others. */
    lossProbability: z.number().min(0).max(1).default(0),
    /** Loss bursts: every heartbeat sent during a burst is lost. */
    lossBurst: z
      .strictObject({
        /** Chance that a burst begins at a heartbeat (when none is under way). */
        probability: z.number().min(0).max(1).default(0),
        /** Bursts last an exponentially distributed time with this mean. */
        meanLengthNs: positiveDuration().prefault("500ms"),
      })
      .prefault({}),
  })
  .prefault({});

export type ChannelOptions = z.output<typeof channelSchema>;

export const fixedTimeoutSchema = z.strictObject({
  kind: z.literal("fixed-timeout"),
  /** Suspect once this many periods went by without a heartbeat (at least 2: one would tie with every on-time arrival). */
  missedPeriods: z.int().min(2).default(5),
});

/** Akka's `PhiAccrualFailureDetector` parameters, as durations rather than milliseconds. */
export const phiAccrualSchema = z.strictObject({
  kind: z.literal("phi-accrual"),
  /** Suspect when phi reaches this (phi = 8: about one chance in 10^8 that the heartbeat is merely late). */
  threshold: z.number().positive().default(8),
  /** Inter-arrival times kept for the mean and standard deviation. */
  maxSampleSize: z.int().min(1).default(200),
  /** Floor of the standard deviation, so that a very regular channel does not make phi jumpy. */
  minStdDeviationNs: positiveDuration().prefault("100ms"),
  /** Added to the mean: a pause of this length is taken as normal (lost heartbeats, a GC). */
  acceptableHeartbeatPauseNs: duration().prefault(0),
  /** Bootstraps the history (mean, with a standard deviation of a quarter of it); default: the period. */
  firstHeartbeatEstimateNs: positiveDuration().optional(),
});

export const detectorSchema = z
  .discriminatedUnion("kind", [fixedTimeoutSchema, phiAccrualSchema])
  .prefault({ kind: "phi-accrual" });

export type DetectorOptions = z.output<typeof detectorSchema>;

export const heartbeatMonitorSchema = z.strictObject({
  /** How often the hypervisor sends a heartbeat (a periodic duty, like Fig 13's counter update). */
  periodNs: positiveDuration().prefault("100ms"),
  /** Fig 17: how often the monitoring unit asks the detector. */
  pollNs: positiveDuration().prefault("10ms"),
  channel: channelSchema,
  detector: detectorSchema,
});

export type HeartbeatMonitorOptions = z.output<typeof heartbeatMonitorSchema>;
