import { defaultPlugins, runSeed, scenarioFromSeed } from "@understudy/testkit";

const n = Number(process.argv[2] ?? 10),
  first = Number(process.argv[3] ?? 1);
const t0 = performance.now();
let failed = 0;
for (let seed = first; seed < first + n; seed++) {
  const t = performance.now();
  const r = runSeed({ seed }, defaultPlugins);
  if (!r.ok) {
    failed++;
    console.log(
      seed,
      JSON.stringify(r.error ?? r.violations.slice(0, 2)),
      JSON.stringify(scenarioFromSeed(seed).faults),
    );
  } else console.log(seed, "ok", r.faults, "faults", r.events, "events", Math.round(performance.now() - t), "ms");
}
console.log(`${n} seeds, ${failed} failed, ${((performance.now() - t0) / n).toFixed(0)} ms/seed`);
