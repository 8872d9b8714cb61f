"""The fetch path for real: ../shared/data served over HTTP on the loopback interface."""
import http.server, threading, functools, os
from pathlib import Path
import pytest
from hsinb.datasets import fetch_file, sha256sum, locate, REGISTRY, DatasetSpec, FileSpec, register


class RangeHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with single-range support (enough for resume), and a hook that cuts a response short."""
    cut_after = None  # bytes after which the next full response is truncated (simulated network drop)
    requests = []

    def log_message(self, *a): pass

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if not path.is_file(): return self.send_error(404)
        data = path.read_bytes()
        rng = self.headers.get("Range")
        type(self).requests.append(rng)
        start = int(rng.split("=")[1].split("-")[0]) if rng else 0
        if start >= len(data) and rng:
            self.send_response(416); self.end_headers(); return
        body = data[start:]
        self.send_response(206 if rng else 200)
        if rng: self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        cut = type(self).cut_after
        if cut is not None and not rng:
            type(self).cut_after = None
            self.wfile.write(body[:cut]); self.wfile.flush()
            self.connection.shutdown(2)  # drop the connection mid-body
            return
        self.wfile.write(body)


@pytest.fixture()
def server(shared_data):
    RangeHandler.cut_after, RangeHandler.requests = None, []
    handler = functools.partial(RangeHandler, directory=str(shared_data))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True); t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown(); httpd.server_close()


SA = "salinas_a/SalinasA_corrected.mat"


def test_download_and_checksum(server, shared_data, tmp_path):
    want = sha256sum(shared_data / SA)
    out = fetch_file(f"{server}/{SA}", tmp_path / "a.mat", want, progress=False)
    assert sha256sum(out) == want
    assert [p.name for p in tmp_path.iterdir()] == ["a.mat"]


def test_checksum_failure_leaves_nothing(server, tmp_path):
    with pytest.raises(ValueError, match="checksum mismatch"):
        fetch_file(f"{server}/{SA}", tmp_path / "a.mat", "f" * 64, progress=False)
    assert list(tmp_path.iterdir()) == []


def test_resume_after_interrupted_download(server, shared_data, tmp_path):
    want = sha256sum(shared_data / SA)
    RangeHandler.cut_after = 300_000
    with pytest.raises(Exception):
        fetch_file(f"{server}/{SA}", tmp_path / "a.mat", want, progress=False)
    part = tmp_path / "a.mat.part"
    assert part.exists() and 0 < part.stat().st_size < (shared_data / SA).stat().st_size
    assert not (tmp_path / "a.mat").exists()  # the cache never holds a partial file under the real name
    have = part.stat().st_size
    out = fetch_file(f"{server}/{SA}", tmp_path / "a.mat", want, progress=False)
    assert sha256sum(out) == want and not part.exists()
    assert RangeHandler.requests[-1] == f"bytes={have}-"  # resumed, not restarted


def test_cache_is_reused(server, shared_data, tmp_path):
    want = sha256sum(shared_data / SA)
    fetch_file(f"{server}/{SA}", tmp_path / "a.mat", want, progress=False)
    n = len(RangeHandler.requests)
    fetch_file(f"{server}/{SA}", tmp_path / "a.mat", want, progress=False)
    assert len(RangeHandler.requests) == n  # no second request


def test_unreachable_server(tmp_path):
    with pytest.raises(ConnectionError, match="cannot reach"):
        fetch_file("http://127.0.0.1:9/x.mat", tmp_path / "x.mat", None, progress=False, timeout=2)
    assert list(tmp_path.iterdir()) == []


def test_registry_fetch_then_load(server, shared_data, tmp_path):
    """A registered dataset whose files have a URL is downloaded into <root>/<name>/ and loads."""
    base = REGISTRY["salinas_a"]
    spec = DatasetSpec("salinas_a_mirror", base.title, base.kind, base.loader,
                       files=[FileSpec(f.name, f.sha256, f"{server}/salinas_a/{f.name}") for f in base.files],
                       classes=base.classes)
    register(spec)
    try:
        from hsinb.datasets import load
        ds = load("salinas_a_mirror", root=tmp_path)
        assert ds.image.shape == (204, 83, 86)
        assert sorted(p.name for p in (tmp_path / "salinas_a_mirror").iterdir()) == ["SalinasA_corrected.mat", "SalinasA_gt.mat"]
    finally:
        REGISTRY.pop("salinas_a_mirror")
