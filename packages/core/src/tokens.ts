import type { InjectionToken } from "tsyringe";
import type { Timing } from "./config/timing.js";
import type { SystemHooks } from "./hooks.js";
import type { RegionAllocator } from "./memory/allocator.js";
import type { Iommu } from "./memory/iommu.js";
import type { MainMemory } from "./memory/main-memory.js";
import type { Rng } from "./sim/rng.js";
import type { Scheduler } from "./sim/scheduler.js";
import type { TraceRecorder } from "./trace/trace-recorder.js";

/**
 * DI tokens of a system's container. Each system has its own child container, each guest a child
 * of that; every injected constructor parameter names its token with `@inject(TOKEN)` (esbuild
 * emits no decorator metadata, so nothing is inferred from types).
 */
export const SCHEDULER: InjectionToken<Scheduler> = Symbol.for("understudy.scheduler");
export const RNG: InjectionToken<Rng> = Symbol.for("understudy.rng");
export const MEMORY: InjectionToken<MainMemory> = Symbol.for("understudy.memory");
export const ALLOCATOR: InjectionToken<RegionAllocator> = Symbol.for("understudy.allocator");
export const IOMMU: InjectionToken<Iommu> = Symbol.for("understudy.iommu");
export const HOOKS: InjectionToken<SystemHooks> = Symbol.for("understudy.hooks");
export const TRACE: InjectionToken<TraceRecorder> = Symbol.for("understudy.trace");
export const TIMING: InjectionToken<Timing> = Symbol.for("understudy.timing");
export const BMC: InjectionToken<import("./platform/bmc.js").Bmc> = Symbol.for("understudy.bmc");
export const HYPERVISOR: InjectionToken<import("./platform/hypervisor.js").Hypervisor> =
  Symbol.for("understudy.hypervisor");
export const SYSTEM_TOPOLOGY: InjectionToken<import("./platform/topology.js").Topology> =
  Symbol.for("understudy.topology");
/** In a guest's child container: the guest itself. */
export const GUEST: InjectionToken<import("./platform/guest-os.js").GuestOs> = Symbol.for("understudy.guest");
/** In a guest's child container: its configuration. */
export const GUEST_CONFIG: InjectionToken<import("./config/system-config.js").GuestConfig> =
  Symbol.for("understudy.guest-config");
export const FAILOVER_STRATEGY: InjectionToken<import("./failover/strategy.js").FailoverStrategy> =
  Symbol.for("understudy.failover-strategy");
export const FAILURE_DETECTOR: InjectionToken<import("./failover/detector.js").FailureDetector> =
  Symbol.for("understudy.failure-detector");
export const SUB_PF_DRIVER: InjectionToken<import("./drivers/sub-pf-driver.js").SubPfDriver> =
  Symbol.for("understudy.sub-pf-driver");
export const FAILOVER_UNIT: InjectionToken<import("./failover/failover-unit.js").FailoverUnit> =
  Symbol.for("understudy.failover-unit");
