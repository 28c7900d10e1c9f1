import { inject, injectable } from "tsyringe";
import type { Timing } from "../config/timing.js";
import type { SystemHooks } from "../hooks.js";
import type { Region, RegionAllocator } from "../memory/allocator.js";
import type { Iommu } from "../memory/iommu.js";
import type { Rng } from "../sim/rng.js";
import type { Scheduler } from "../sim/scheduler.js";
import { ALLOCATOR, HOOKS, IOMMU, RNG, SCHEDULER, TIMING } from "../tokens.js";
import { Host } from "./host.js";

export const HYPERVISOR_OWNER = "hypervisor";

export interface CrashOptions {
  /** The crash scribbles random bytes over the hypervisor's own memory (physical link state 130). */
  readonly scribble?: boolean;
  /** Name reported on `hypervisorFailed`. */
  readonly fault?: string;
}

/**
 * Hypervisor 110. Runs the PF driver and periodic duties (Fig 13's counter update is one). It can
 * crash, hang (alive but silent, for a while or for good), be soft-reset (1707) and boot again.
 */
@injectable()
export class Hypervisor extends Host {
  private regions: Region[] = [];
  private readonly duties: { name: string; periodNs: number; run: () => void }[] = [];
  /** Called once the hypervisor runs again after a soft reset (the system fails back then). */
  onRestarted: (() => void) | undefined = undefined;
  /** Called at every boot, before anything else runs (the PF driver starts here). */
  onBoot: (() => void) | undefined = undefined;
  private failedAtNs: number | undefined;
  /** Late duties: each duty run is held back this long (a slow hypervisor). */
  dutyDelayNs = 0;

  constructor(
    @inject(SCHEDULER) private readonly scheduler: Scheduler,
    @inject(HOOKS) private readonly hooks: SystemHooks,
    @inject(ALLOCATOR) private readonly allocator: RegionAllocator,
    @inject(IOMMU) private readonly iommu: Iommu,
    @inject(TIMING) private readonly timing: Timing,
    @inject(RNG) private readonly rng: Rng,
  ) {
    super(HYPERVISOR_OWNER);
  }

  /** Ground truth for reports and invariants: when it last failed, if it is failed now. */
  get failedAt(): number | undefined {
    return this.failedAtNs;
  }

  allocate(size: number, label: string): Region {
    const region = this.allocator.allocate(size, HYPERVISOR_OWNER, label);
    this.regions.push(region);
    return region;
  }

  get ownedRegions(): readonly Region[] {
    return this.regions;
  }

  /** A periodic duty that runs only while the hypervisor runs (Fig 13 step 1201-1202). */
  addDuty(name: string, periodNs: number, run: () => void): void {
    this.duties.push({ name, periodNs, run });
    this.scheduler.every(periodNs, () => {
      if (!this.running) return;
      if (this.dutyDelayNs > 0) this.scheduler.after(this.dutyDelayNs, () => this.execute(run));
      else run();
    });
  }

  /** Start at time 0. */
  boot(): void {
    this.setState("running");
    this.onBoot?.();
  }

  crash(options: CrashOptions = {}): void {
    if (this.state === "crashed" || this.state === "resetting" || this.state === "booting") return;
    this.setState("crashed");
    this.failedAtNs = this.scheduler.now;
    if (options.scribble) {
      for (const region of this.regions) this.allocator.memory.write(region.base, this.rng.bytes(region.size));
    }
    this.hooks.hypervisorFailed.call({
      fault: options.fault ?? (options.scribble ? "crash-scribble" : "crash"),
    });
  }

  /**
   * Alive but silent: nothing it should do happens; work handed to it waits. With a duration it
   * resumes afterwards and catches up (a slow hypervisor); without, it stays hung until reset.
   * `reportAsFailure` says whether this is a failure the detector should catch (beyond tolerance).
   */
  hang(durationNs?: number, reportAsFailure = true): void {
    if (!this.running) return;
    this.setState("hung");
    if (reportAsFailure) {
      this.failedAtNs = this.scheduler.now;
      this.hooks.hypervisorFailed.call({
        fault: durationNs === undefined ? "hang" : "stall",
        detail: `${durationNs ?? "forever"}`,
      });
    }
    if (durationNs !== undefined) {
      const incarnation = this.incarnation;
      this.scheduler.after(durationNs, () => {
        if (this.incarnation === incarnation && this.state === "hung") this.setState("running");
      });
    }
  }

  /** Step 1707, then a boot after the configured time; `onRestarted` runs once it is up. */
  softReset(reason: string): void {
    this.setState("resetting");
    this.incarnation++;
    this.iommu.unmapOwner(HYPERVISOR_OWNER);
    this.hooks.softResetStarted.call({ target: HYPERVISOR_OWNER, reason });
    for (const region of this.regions) this.allocator.release(region);
    this.regions = [];
    const incarnation = this.incarnation;
    this.scheduler.after(this.timing.hypervisorRebootNs, () => {
      if (this.incarnation !== incarnation) return;
      this.setState("booting");
      this.failedAtNs = undefined;
      this.setState("running");
      this.onBoot?.();
      this.hooks.hypervisorRestarted.call();
      this.onRestarted?.();
    });
  }
}
