"""Bad input gets a clear error naming the file or value, and leaves no partial file behind."""
import shutil
import numpy as np
import pytest
from scipy.io import savemat
from hsinb.cube import as_image, as_mask
from hsinb.datasets import load, read_envi


def snapshot(p):
    return sorted(str(f.relative_to(p)) for f in p.rglob("*"))


def test_truncated_mat(shared_data, tmp_path):
    d = tmp_path / "salinas_a"; d.mkdir()
    shutil.copy(shared_data / "salinas_a" / "SalinasA_gt.mat", d)
    data = (shared_data / "salinas_a" / "SalinasA_corrected.mat").read_bytes()
    (d / "SalinasA_corrected.mat").write_bytes(data[: len(data) // 3])
    before = snapshot(tmp_path)
    with pytest.raises(ValueError, match=r"SalinasA_corrected\.mat is corrupt or truncated"):
        load("salinas_a", root=tmp_path, download=False)
    assert snapshot(tmp_path) == before


def test_envi_size_mismatch(shared_data, tmp_path):
    d = tmp_path / "taizhou"; shutil.copytree(shared_data / "landsat_cd_taizhou", d)
    (d / "2003TM").write_bytes((d / "2003TM").read_bytes()[:-400])
    with pytest.raises(ValueError, match=r"2003TM has 959600 bytes but its header 2003TM\.HDR describes 400 lines x 400 samples x 6 bands"):
        read_envi(d / "2003TM.HDR", d / "2003TM")
    before = snapshot(tmp_path)
    with pytest.raises(ValueError, match="2003TM has 959600 bytes"):
        load("taizhou", root=tmp_path, download=False)
    assert snapshot(tmp_path) == before


def test_envi_honours_interleave_and_byte_order(tmp_path):
    """A big-endian int16 BIL file reads back as (bands, lines, samples) with the right values."""
    cube = np.arange(3 * 4 * 5, dtype=np.int16).reshape(3, 4, 5) * 7 - 50  # (bands, lines, samples)
    np.transpose(cube, (1, 0, 2)).astype(">i2").tofile(tmp_path / "x.img")  # BIL: line, band, sample
    (tmp_path / "x.hdr").write_text("ENVI\nsamples = 5\nlines = 4\nbands = 3\nheader offset = 0\nfile type = ENVI Standard\n"
                                    "data type = 2\ninterleave = bil\nbyte order = 1\nwavelength units = Nanometers\n"
                                    "wavelength = {500, 600, 700}\n")
    arr, meta = read_envi(tmp_path / "x.hdr", tmp_path / "x.img")
    np.testing.assert_array_equal(arr, cube)


def test_cube_with_nans():
    c = np.ones((4, 5, 6)); c[2, 3, 4] = np.nan
    with pytest.raises(ValueError, match=r"image: 1 NaN/inf values \(first at band 2, y 3, x 4\)"):
        as_image(c)


def test_mask_with_unknown_label(shared_data, tmp_path):
    from scipy.io import loadmat
    d = tmp_path / "salinas_a"; d.mkdir()
    shutil.copy(shared_data / "salinas_a" / "SalinasA_corrected.mat", d)
    gt = loadmat(shared_data / "salinas_a" / "SalinasA_gt.mat")["salinasA_gt"].copy(); gt[0, 0] = 7
    savemat(d / "SalinasA_gt.mat", {"salinasA_gt": gt})
    with pytest.raises(ValueError, match=r"SalinasA_gt\.mat: unknown label values \[7\]"):
        load("salinas_a", root=tmp_path, download=False)
    with pytest.raises(ValueError, match=r"labels \[9\] are outside the 2 declared classes"):
        as_mask(np.array([[0, 9]]), ["a", "b"])


def test_unknown_dataset():
    with pytest.raises(ValueError, match=r"unknown dataset 'salinas_b'.*Did you mean 'salinas_a'"):
        load("salinas_b")
