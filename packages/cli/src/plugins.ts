import type { UnderstudyPlugin } from "@understudy/core";
import { monitorBmc } from "@understudy/monitor-bmc";
import { monitorHeartbeat } from "@understudy/monitor-heartbeat";
import { nicSriov } from "@understudy/nic-sriov";

/**
 * Every plugin the `understudy` command knows. A scenario picks among their device kinds,
 * monitors and faults by name. (Plugin packages add themselves here.)
 */
export function allPlugins(): UnderstudyPlugin[] {
  return [nicSriov(), monitorBmc(), monitorHeartbeat()];
}
