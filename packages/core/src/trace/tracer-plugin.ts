import type { HookName } from "../hooks.js";
import type { UnderstudyPlugin } from "../plugin.js";

/**
 * Records every hook call into the system's trace (and its hash). One interceptor per hook, so
 * nothing escapes it and no component has to remember to trace.
 */
export function tracerPlugin(): UnderstudyPlugin {
  return {
    name: "understudy.tracer",
    apply(system) {
      for (const name of Object.keys(system.hooks) as HookName[]) {
        const hook = system.hooks[name] as { intercept(i: { call: (...args: unknown[]) => void }): void };
        hook.intercept({
          call: (...args: unknown[]) =>
            system.trace.record(system.scheduler.now, name, args.length === 1 ? args[0] : args),
        });
      }
    },
  };
}
