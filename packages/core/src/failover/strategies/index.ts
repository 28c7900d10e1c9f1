import type { UnderstudyPlugin } from "../../plugin.js";
import { ContinuousSync } from "./continuous-sync.js";
import { RebuildOnFailover } from "./rebuild-on-failover.js";

export { ContinuousSync, RebuildOnFailover };

/** Registers the patent's two embodiments by name. */
export function builtinStrategiesPlugin(): UnderstudyPlugin {
  return {
    name: "understudy.strategies",
    apply(system) {
      system.registerStrategy("rebuild-on-failover", () => new RebuildOnFailover());
      system.registerStrategy("continuous-sync", () => new ContinuousSync());
    },
  };
}
