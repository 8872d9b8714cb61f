"""The Houston 2013 loader on a small file written in the contest's distribution format
(a band-sequential CASI GeoTIFF and ENVI ROI ASCII exports of the TR and VA samples)."""
import numpy as np
import pytest
import tifffile
from hsinb.cube import IGNORE
from hsinb.datasets import load, read_envi_roi_ascii
from hsinb.registry import HOUSTON_FILES

NAMES = ["grass_healthy", "grass_stressed", "water"]


def write_roi(path, rois, dims):
    """rois: list of (name, [(x1, y1), ...]) with 1-based ENVI pixel coordinates."""
    lines = ["; ENVI Output of ROIs (4.8) [Tue Oct 31 19:11:26 2023]", f"; Number of ROIs: {len(rois)}",
             f"; File Dimension: {dims[1]} x {dims[0]}", ";"]
    for name, pts in rois:
        lines += [f"; ROI name: {name}", "; ROI rgb value: {0, 205, 0}", f"; ROI npts: {len(pts)}", ";"]
    lines[-1] = ";    ID     X    Y"
    for name, pts in rois:
        lines += [f"{i + 1:7d} {x:5d} {y:4d}" for i, (x, y) in enumerate(pts)] + [""]
    path.write_text("\n".join(lines))


@pytest.fixture()
def houston_dir(tmp_path):
    d = tmp_path / "houston"; d.mkdir()
    rng = np.random.default_rng(0)
    cube = rng.integers(0, 4000, (144, 12, 20)).astype(np.uint16)
    tifffile.imwrite(d / HOUSTON_FILES[0], cube, planarconfig="separate", photometric="minisblack")
    write_roi(d / HOUSTON_FILES[1], [(NAMES[0], [(1, 1), (2, 1)]), (NAMES[1], [(20, 12)]), (NAMES[2], [(5, 5)])], (12, 20))
    write_roi(d / HOUSTON_FILES[2], [(NAMES[0], [(3, 3)]), (NAMES[1], [(4, 3), (4, 4)]), (NAMES[2], [(10, 6)])], (12, 20))
    return tmp_path, cube


def test_houston_loads(houston_dir):
    root, cube = houston_dir
    ds = load("houston", root=root)
    assert ds.image.shape == (144, 12, 20)
    np.testing.assert_array_equal(ds.image.values, cube)
    assert ds["mask"].attrs["class_names"] == NAMES
    m = ds["mask"].values
    assert m[0, 0] == 0 and m[0, 1] == 0 and m[11, 19] == 1 and m[4, 4] == 2    # TR (1-based x, y)
    assert m[2, 2] == 0 and m[2, 3] == 1 and m[3, 3] == 1 and m[5, 9] == 2      # VA
    assert int((m != IGNORE).sum()) == 8
    assert ds.sample_set.values[0, 0] == 0 and ds.sample_set.values[2, 2] == 1
    assert 360 < ds.image.wavelength.values[0] < 370 and 1040 < ds.image.wavelength.values[-1] < 1050


def test_houston_overlapping_samples_refused(houston_dir):
    root, _ = houston_dir
    write_roi(root / "houston" / HOUSTON_FILES[2], [(NAMES[0], [(1, 1)]), (NAMES[1], [(4, 3)]), (NAMES[2], [(10, 6)])], (12, 20))
    with pytest.raises(ValueError, match="in both the TR and VA samples"):
        load("houston", root=root)


def test_roi_truncated(tmp_path):
    p = tmp_path / "r.txt"
    write_roi(p, [("a", [(1, 1), (2, 2)])], (4, 4))
    p.write_text("\n".join(p.read_text().splitlines()[:-1]))  # drop the last point
    with pytest.raises(ValueError, match="announces 2 points, file has 1"):
        read_envi_roi_ascii(p, (4, 4))


def test_houston_missing_names_files(tmp_path):
    with pytest.raises(FileNotFoundError) as e:
        load("houston", root=tmp_path)
    msg = str(e.value)
    assert all(f in msg for f in HOUSTON_FILES) and str(tmp_path / "houston") in msg and "register" in msg
