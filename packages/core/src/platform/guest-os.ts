import { inject, injectable } from "tsyringe";
import type { GuestConfig } from "../config/system-config.js";
import type { Timing } from "../config/timing.js";
import type { IoGapMeter } from "../drivers/io-gap-meter.js";
import { VfDriver } from "../drivers/vf-driver.js";
import type { SystemHooks } from "../hooks.js";
import type { Region, RegionAllocator } from "../memory/allocator.js";
import type { Iommu } from "../memory/iommu.js";
import type { MainMemory } from "../memory/main-memory.js";
import type { Scheduler } from "../sim/scheduler.js";
import { ALLOCATOR, GUEST_CONFIG, HOOKS, IOMMU, MEMORY, SCHEDULER, SYSTEM_TOPOLOGY, TIMING } from "../tokens.js";
import type { Workload } from "../workload.js";
import { Host } from "./host.js";
import type { Topology } from "./topology.js";

/**
 * A guest OS (111-1 when critical, 111-2..n otherwise): its memory, its VF drivers, the workloads
 * that use them. A non-critical guest can be soft-reset (1707); it boots again once the hypervisor
 * runs, re-attaches its VFs and resumes its workloads.
 */
@injectable()
export class GuestOs extends Host {
  readonly critical: boolean;
  readonly owner: string;
  private regions: Region[] = [];
  private persistent: Region[] = [];
  drivers: VfDriver[] = [];
  /** VF id -> the workload that drives it (kept across reboots, so its ledger spans the run). */
  readonly workloads = new Map<string, Workload>();
  boots = 0;
  private readonly meters: IoGapMeter[] = [];

  constructor(
    @inject(GUEST_CONFIG) readonly config: GuestConfig,
    @inject(SCHEDULER) private readonly scheduler: Scheduler,
    @inject(HOOKS) private readonly hooks: SystemHooks,
    @inject(ALLOCATOR) private readonly allocator: RegionAllocator,
    @inject(IOMMU) private readonly iommu: Iommu,
    @inject(MEMORY) private readonly memory: MainMemory,
    @inject(TIMING) private readonly timing: Timing,
    @inject(SYSTEM_TOPOLOGY) private readonly topology: Topology,
  ) {
    super(config.name);
    this.critical = config.critical;
    this.owner = `guest:${config.name}`;
  }

  /** Memory that lives until the guest's next reset. */
  allocate(size: number, label: string): Region {
    const region = this.allocator.allocate(size, this.owner, label);
    this.regions.push(region);
    return region;
  }

  /** Memory that survives resets (the critical guest's 130A). */
  allocatePersistent(size: number, label: string): Region {
    const region = this.allocator.allocate(size, this.owner, label);
    this.persistent.push(region);
    return region;
  }

  get ownedRegions(): readonly Region[] {
    return [...this.persistent, ...this.regions];
  }

  /** The I/O gap meters of every VF driver this guest ever attached (they span reboots). */
  gapMeters(): readonly IoGapMeter[] {
    return this.meters;
  }

  driverFor(vfId: string): VfDriver | undefined {
    return this.drivers.find((d) => d.vf.id === vfId);
  }

  /** Attach a VF driver to each assigned VF and start the workloads. */
  boot(): void {
    this.boots++;
    this.setState("running");
    const emergencyLink = this.topology.emergencyLinks.get(this.name);
    emergencyLink?.clear();
    this.drivers = (this.topology.assignments.get(this.name) ?? []).map((vf) => {
      const driver = new VfDriver(
        this,
        vf,
        this.topology.channel(vf),
        { scheduler: this.scheduler, hooks: this.hooks, iommu: this.iommu, memory: this.memory, timing: this.timing },
        { ringSize: this.config.ringSize, bufferBytes: vf.pf.device.bufferBytes, emergencyLink },
      );
      driver.attach();
      this.meters.push(driver.gap);
      this.workloads.get(vf.id)?.start(driver);
      return driver;
    });
  }

  /** Step 1707 for this guest: stop, let go of the device and the memory, wait to boot again. */
  softReset(reason: string): void {
    this.setState("resetting");
    this.incarnation++;
    // the VFs are reset and the IOMMU forgets this guest first: from here no DMA can reach it
    for (const workload of this.workloads.values()) workload.abandon();
    for (const driver of this.drivers) driver.detach();
    this.drivers = [];
    this.iommu.unmapOwner(this.owner);
    this.hooks.softResetStarted.call({ target: this.owner, reason });
    for (const region of this.regions) this.allocator.release(region);
    this.regions = [];
  }

  /** Boot again after the guest reboot time (the caller makes sure the hypervisor runs). */
  scheduleBoot(): void {
    if (this.state !== "resetting") return;
    this.setState("booting");
    const incarnation = this.incarnation;
    const rebootNs = this.config.rebootNs ?? this.timing.guestRebootNs;
    this.scheduler.after(rebootNs, () => {
      if (this.incarnation !== incarnation) return;
      this.boot();
      this.hooks.guestRestarted.call({ guest: this.name });
    });
  }

  /** Fault injection: the guest stops running its code (e.g. stops consuming its rings). */
  freeze(durationNs?: number): void {
    if (!this.running) return;
    this.setState("hung");
    if (durationNs !== undefined) {
      const incarnation = this.incarnation;
      this.scheduler.after(durationNs, () => {
        if (this.incarnation === incarnation && this.state === "hung") this.setState("running");
      });
    }
  }
}
