"""A real interruption: a training process is killed (SIGKILL) after a checkpoint, resumed by a new process,
and its final weights must equal those of an uninterrupted run (same seed, CPU)."""
import os, signal, subprocess, sys, time, textwrap
from pathlib import Path
import pytest
from safetensors.torch import load_file

SCRIPT = textwrap.dedent('''
    import sys, time, numpy as np, torch
    from hsinb.datasets import SceneTiles
    from hsinb.train import TrainConfig, train
    from hsinb.vae import TwoStreamVAE, vae_loss
    from safetensors.torch import save_file
    out, slow = sys.argv[1], float(sys.argv[2])
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    arrays = {"image": rng.standard_normal((8, 48, 48)).astype(np.float32), "mask": rng.integers(-1, 3, (48, 48)).astype(np.int64)}
    cfg = TrainConfig(steps=30, batch_size=4, lr=1e-3, warmup=3, ckpt_every=5, log_every=5, device="cpu", ema_decay=0.9)
    torch.manual_seed(0)
    model = TwoStreamVAE(8, 3, image_latent=4, mask_latent=2, widths=(8, 16), mask_hidden=8)
    def loss(m, b):
        if slow: time.sleep(slow)
        return vae_loss(m, b)
    model, info = train(model, loss, SceneTiles(arrays, (0, 48, 0, 48), tile=16, length=1000, seed=0), out, cfg)
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, f"{out}/final.safetensors")
''')


def run(script, out, slow=0.0, **kw):
    return subprocess.Popen([sys.executable, str(script), str(out), str(slow)], **kw)


def test_kill_and_resume_matches_uninterrupted(tmp_path):
    script = tmp_path / "train_script.py"; script.write_text(SCRIPT)
    ref = run(script, tmp_path / "ref"); assert ref.wait(timeout=300) == 0
    # the interrupted run: slowed down so that it is killed between checkpoints, for real
    p = run(script, tmp_path / "cut", slow=0.05)
    ck = tmp_path / "cut" / "checkpoints"
    t0 = time.time()
    while not (ck / "step_0000010").exists():
        assert p.poll() is None, "training ended before it could be interrupted"
        assert time.time() - t0 < 240, "no checkpoint appeared"
        time.sleep(0.05)
    time.sleep(0.1)
    p.send_signal(signal.SIGKILL); p.wait()
    assert not (tmp_path / "cut" / "final.safetensors").exists()
    steps_done = sorted(ck.glob("step_*"))
    assert steps_done and steps_done[-1].name < "step_0000030"
    resumed = run(script, tmp_path / "cut", stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out, _ = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, out
    assert "resumed from" in out
    a, b = load_file(tmp_path / "ref" / "final.safetensors"), load_file(tmp_path / "cut" / "final.safetensors")
    assert a.keys() == b.keys()
    diff = {k: float((a[k] - b[k]).abs().max()) for k in a if not (a[k] == b[k]).all()}
    assert not diff, f"weights differ after resume: {list(diff.items())[:5]}"
