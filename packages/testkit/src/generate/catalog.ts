import { builtinStrategiesPlugin, coreFaultsPlugin, System, type UnderstudyPlugin } from "@understudy/core";

/** What a set of plugins offers a random system: device kinds, monitors and fault kinds, by name. */
export interface Catalog {
  readonly devices: readonly string[];
  readonly monitors: readonly string[];
  readonly faults: readonly string[];
}

/**
 * The catalog of the given plugins plus the core's built-ins. The plugins are applied to a system
 * that is never built, which is all it takes to see what they register.
 */
export function catalogOf(plugins: readonly UnderstudyPlugin[]): Catalog {
  const probe = new System({
    config: { devices: [{ kind: "probe" }] },
    builtins: [builtinStrategiesPlugin(), coreFaultsPlugin()],
    plugins,
  });
  const { devices, monitors, faults } = probe.registered;
  return { devices, monitors, faults };
}
