#!/usr/bin/env bash
# The benchmark table and one scene's quick protocol on a CUDA device, in about 8 minutes. Never needed by the tests.
#
#   bash benchmarks/gpu.sh [OUT]
#
# 1. the quick preset on the embedded `demo` scene (stages 02-05; `device = "auto"` picks the GPU), at most
#    5 minutes, into OUT (default: a new temporary folder);
# 2. `benchmarks/run.py --device cuda`, at most 3 minutes: FLOPs, step times in fp32 / bf16 autocast /
#    channels-last, the share of the device's measured matmul peak, sampling pairs/s, peak memory, and the stage
#    wall times of step 1 (read from OUT/reports/demo).
# Writes benchmarks/results/<date>-<host>.json; the protocol's report is OUT/reports/demo/summary.md.
set -euo pipefail
cd "$(dirname "$0")/.."
python -c "import sys, torch; sys.exit(0 if torch.cuda.is_available() else
    f'benchmarks/gpu.sh: torch {torch.__version__} sees no CUDA device; run benchmarks/run.py for the CPU table')"
OUT=${1:-$(mktemp -d /tmp/hsinb-gpu-XXXXXX)}
echo "protocol output: $OUT"
start=$(date +%s)
timeout 300 hsinb run --dataset demo --preset quick --out "$OUT" --quiet
echo "quick protocol on demo: $(( $(date +%s) - start )) s"
timeout 180 python benchmarks/run.py --device cuda --reports "$OUT/reports/demo"
echo "gpu.sh total: $(( $(date +%s) - start )) s"
