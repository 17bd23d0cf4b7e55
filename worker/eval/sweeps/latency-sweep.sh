#!/usr/bin/env bash
# The latency sweep behind worker/eval/README.md ("The `cpu` target against false alarms"): applies
# latency-scales.patch (each scale of src/score/latency.ts read from the environment, the shipped value
# by default), scores the lab set once per setting and prints faults >= 60 within two windows, healthy
# windows >= 30 and >= 60, the overall and `cpu` AUC, and the faults not flagged in time. The patch is reverted on exit, however it ends.
# About 80 s a setting on 2 cores: `bash worker/eval/sweeps/latency-sweep.sh` (all fourteen), or name
# settings: `bash worker/eval/sweeps/latency-sweep.sh shipped tail100`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
worker="$(cd "$here/../.." && pwd)"
out="$(mktemp -d)"
cd "$worker"
git apply "$here/latency-scales.patch"
trap 'git apply -R "$here/latency-scales.patch"; pnpm run build >/dev/null 2>&1 || true; rm -rf "$out"' EXIT
pnpm run build >/dev/null

declare -A SETTINGS=(
  [shipped]=''
  [tail150]='LAT_TAIL_MS=150'
  [tail100]='LAT_TAIL_MS=100'
  [p90-50]='LAT_SH_MS=50'
  [median25]='LAT_MID_MS=25'
  [p99cap50]='LAT_P99_MAX=0.5'
  [p99cap70]='LAT_P99_MAX=0.7'
  [p99cap60ms100]='LAT_P99_MAX=0.6 LAT_P99_MS=100'
  [run4]='LAT_RUN=4'
  [corroborate1]='LAT_COMB=1'
  [corroborate05]='LAT_COMB=0.5'
  [tail100corroborate05]='LAT_TAIL_MS=100 LAT_COMB=0.5'
  [twice]='LAT_TAIL_MS=100 LAT_SH_MS=50 LAT_MID_MS=25 LAT_P99_MAX=0.6 LAT_P99_MS=100'
  [fourfold]='LAT_TAIL_MS=50 LAT_SH_MS=30 LAT_MID_MS=15 LAT_P99_MAX=1 LAT_P99_MS=50'
)
ORDER=(shipped tail150 tail100 p90-50 median25 p99cap50 p99cap70 p99cap60ms100 run4 corroborate1 corroborate05
  tail100corroborate05 twice fourfold)
[ "$#" -gt 0 ] && ORDER=("$@")

echo "| setting | faults >= 60 within 2 windows | healthy >= 30 | healthy >= 60 | overall AUC | cpu AUC | not in time |"
echo "|---|---:|---:|---:|---:|---:|---|"
for name in "${ORDER[@]}"; do
  [ -v "SETTINGS[$name]" ] || { echo "unknown setting: $name" >&2; exit 2; }
  # shellcheck disable=SC2086 # the setting is a list of NAME=value words
  # The replay's progress goes to a log, printed only if the run fails.
  env ${SETTINGS[$name]} node --import tsx eval/run-eval.ts --set lab --json "$out/$name.json" >"$out/$name.log" 2>&1 ||
    { cat "$out/$name.log" >&2; exit 1; }
  node -e '
    const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).sets[0];
    const all = s.falseAlarms.find((r) => r.recording === "all");
    const dets = s.detections.filter((d) => d.counted);
    const late = dets.filter((d) => d.minutes === null || d.minutes > 2);
    const when = (d) => (d.minutes === null ? "never" : d.minutes.toFixed(1));
    const cpu = s.kinds.find((k) => k.kind === "cpu");
    console.log(`| ${process.argv[2]} | ${dets.length - late.length} / ${dets.length} | ${all.ge30} / ${all.healthy} | ` +
      `${all.ge60} | ${s.overall.score.auc.toFixed(3)} | ${cpu ? cpu.score.auc.toFixed(3) : "-"} | ` +
      `${late.map((d) => `${d.recording} ${d.kind} ${when(d)}`).join(", ")} |`);
  ' "$out/$name.json" "$name"
done
