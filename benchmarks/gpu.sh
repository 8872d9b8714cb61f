#!/usr/bin/env bash
# The benchmark table and one scene's quick protocol on a CUDA device, in at most 8 minutes. Never needed by the tests.
#
#   bash benchmarks/gpu.sh [OUT]
#
# 0. checks that hsinb's requirements (settings.ini) are installed, and stops at once if not: a GPU image often has
#    torch but not diffusers, papermill or spectral, and a stage that imports one fails minutes into the run.
# 1. the quick preset on the embedded `demo` scene (stages 02-05; `device = "auto"` picks the GPU), at most
#    6.5 minutes, into OUT (default: a new temporary folder).
# 2. `benchmarks/run.py --device cuda`, at most 1.5 minutes (it took 63 s on an H200), whether or not step 1
#    finished: FLOPs, step times in fp32 / bf16 autocast / channels-last, the share of the device's measured matmul
#    peak, the joint UNet's bf16 step at batches 32 to 16384 eager and in one CUDA graph, sampling pairs/s, peak
#    memory, and the stage wall times of step 1 (from OUT/reports/demo).
# Writes benchmarks/results/<date>-<host>.json; the protocol's report is OUT/reports/demo/summary.md.
# Works without the `hsinb` console script (a machine where the package is only on PYTHONPATH); PY picks the Python.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-python3}
$PY -c "import sys, torch
if not torch.cuda.is_available():
    sys.exit(f'benchmarks/gpu.sh: torch {torch.__version__} sees no CUDA device (run.py gives the CPU table)')" \
  || exit 2
$PY - <<'EOF' || exit 2
import configparser, re, sys, importlib.metadata as md
cfg = configparser.ConfigParser()
cfg.read("settings.ini")
missing = []
for req in cfg["DEFAULT"]["requirements"].split():
    name = re.split(r"[<>=!~]", req)[0]
    try: md.version(name)
    except md.PackageNotFoundError: missing.append(name)
if missing:
    sys.exit(f"benchmarks/gpu.sh: hsinb's requirements missing here: {' '.join(missing)} (install them, or carry "
             "their wheels), nothing was run")
EOF
HSINB=(hsinb)
command -v hsinb >/dev/null || HSINB=("$PY" -c "import sys
from hsinb.cli import main
sys.exit(main(sys.argv[1:]))")
OUT=${1:-$(mktemp -d /tmp/hsinb-gpu-XXXXXX)}
echo "protocol output: $OUT"
start=$(date +%s)
timeout 390 "${HSINB[@]}" run --dataset demo --preset quick --out "$OUT" --quiet
rc=$?
late=$([ $rc = 124 ] && echo ' (past its 6.5 minutes)')
echo "quick protocol on demo: $(( $(date +%s) - start )) s, exit status $rc$late"
timeout 90 "$PY" benchmarks/run.py --device cuda --rounds 1 --reports "$OUT/reports/demo"  # one round: the 63 s fit
echo "benchmark exit status $?, gpu.sh total: $(( $(date +%s) - start )) s"
