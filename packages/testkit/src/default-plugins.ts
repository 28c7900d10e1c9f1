import { cnaSriov } from "@understudy/cna-sriov";
import type { UnderstudyPlugin } from "@understudy/core";
import { hbaSriov } from "@understudy/hba-sriov";
import { monitorBmc } from "@understudy/monitor-bmc";
import { monitorHeartbeat } from "@understudy/monitor-heartbeat";
import { nicSriov } from "@understudy/nic-sriov";

/** The device and monitor plugins a test kit scenario gets unless it says otherwise. */
export function defaultPlugins(): UnderstudyPlugin[] {
  return [nicSriov(), hbaSriov(), cnaSriov(), monitorBmc(), monitorHeartbeat()];
}
