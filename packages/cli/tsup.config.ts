import { packageBuild } from "../../tsup.base";

export default packageBuild({
  // the swarm's worker threads load their own entry (piscina needs a file)
  entry: { index: "src/index.ts", bin: "src/bin.ts", "swarm-worker": "src/swarm/worker.ts" },
  dts: { entry: "src/index.ts" },
});
