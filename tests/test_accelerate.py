"""The shared loop under `accelerate launch` with 2 CPU processes: both ranks finish with identical weights
(DDP averages gradients) and see different data (each rank its own slice of the step's batch)."""
import shutil, subprocess, sys, textwrap
from pathlib import Path
import pytest

SCRIPT = textwrap.dedent('''
    import sys, json, hashlib, numpy as np, torch
    from accelerate import PartialState
    from hsinb.datasets import SceneTiles
    from hsinb.train import TrainConfig, train
    out = sys.argv[1]
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    arrays = {"x": rng.standard_normal((4, 32, 32)).astype(np.float32)}
    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__(); self.c = torch.nn.Conv2d(4, 4, 3, padding=1)
        def forward(self, x): return self.c(x)
    seen = []
    def loss(m, b):
        seen.append(float(b["x"].sum()))
        return ((m(b["x"]) - b["x"].flip(1)) ** 2).mean(), {}
    torch.manual_seed(0)
    cfg = TrainConfig(steps=10, batch_size=2, lr=1e-2, warmup=1, ckpt_every=5, device="cpu")
    model, info = train(Net(), loss, SceneTiles(arrays, (0, 32, 0, 32), tile=8, length=100, seed=0), out, cfg)
    st = PartialState()
    h = hashlib.sha256(b"".join(p.detach().numpy().tobytes() for p in model.parameters())).hexdigest()
    json.dump({"rank": st.process_index, "world": st.num_processes, "hash": h, "seen": seen}, open(f"{out}/rank{st.process_index}.json", "w"))
''')


def test_two_cpu_processes_agree(tmp_path):
    accel = shutil.which("accelerate")
    if accel is None: pytest.skip("accelerate CLI not on PATH")
    script = tmp_path / "s.py"; script.write_text(SCRIPT)
    # --multi_gpu starts 2 processes with torchrun; without a GPU, accelerate runs them as MULTI_CPU (gloo)
    r = subprocess.run([accel, "launch", "--multi_gpu", "--num_processes", "2", "--num_machines", "1", "--mixed_precision", "no",
                        "--dynamo_backend", "no", str(script), str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    import json
    a, b = (json.loads((tmp_path / f"rank{i}.json").read_text()) for i in (0, 1))
    assert a["world"] == b["world"] == 2
    assert a["hash"] == b["hash"]
    assert a["seen"] != b["seen"]
