import { cnaSriov } from "@understudy/cna-sriov";
import type { UnderstudyPlugin } from "@understudy/core";
import { hbaSriov } from "@understudy/hba-sriov";
import { monitorBmc } from "@understudy/monitor-bmc";
import { monitorHeartbeat } from "@understudy/monitor-heartbeat";
import { nicSriov } from "@understudy/nic-sriov";

/**
 * Every plugin the `understudy` command knows. A scenario picks among their device kinds,
 * monitors and faults by name. (Plugin packages add themselves here.)
 */
export function allPlugins(): UnderstudyPlugin[] {
  return [nicSriov(), hbaSriov(), cnaSriov(), monitorBmc(), monitorHeartbeat()];
}
