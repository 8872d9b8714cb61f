"""The loaders on the real files in ../shared/data (counts from that folder's READMEs)."""
import numpy as np
import pytest
from hsinb.cube import IGNORE, n_classes, class_names
from hsinb.datasets import load, verify, scene_names
from hsinb.registry import load_mask


def test_salinas_a(shared_data):
    ds = load("salinas_a", root=shared_data)
    assert ds.image.shape == (204, 83, 86)
    assert n_classes(ds) == 6 and class_names(ds)[0] == "Brocoli_green_weeds_1"
    m = ds["mask"].values
    assert int((m == IGNORE).sum()) == 1790
    assert np.bincount(m[m >= 0]).tolist() == [391, 1343, 616, 1525, 674, 799]
    assert ds["mask"].attrs["source_ids"] == [1, 10, 11, 12, 13, 14]
    assert ds.image.wavelength.values.min() >= 400 and ds.image.wavelength.values.max() <= 2500
    assert ds.attrs["dataset"] == "salinas_a" and "GIC" in ds.attrs["citation"]


def test_salinas_a_checksums(shared_data):
    assert verify("salinas_a", shared_data) == {"SalinasA_corrected.mat": True, "SalinasA_gt.mat": True}


def test_samson(shared_data):
    ds = load("samson", root=shared_data)
    assert ds.image.shape == (156, 95, 95) and n_classes(ds) == 3
    assert np.bincount(ds["mask"].values.ravel()).tolist() == [3015, 3666, 2344]
    np.testing.assert_allclose(ds.abundance.sum("endmember").values, 1, atol=1e-5)


@pytest.mark.parametrize("city,changed,unchanged,shape", [("bercy", 1046, 141154, (395, 360)), ("paris", 458, 158662, (408, 390))])
def test_oscd(shared_data, city, changed, unchanged, shape):
    assert scene_names("oscd", shared_data) == ["bercy", "paris"]
    ds = load("oscd", scene=city, root=shared_data)
    assert ds.attrs["kind"] == "cd"
    assert ds.image_t1.shape == (13, *shape) == ds.image_t2.shape
    c = ds.change.values
    assert int((c == 1).sum()) == changed and int((c == 0).sum()) == unchanged
    assert np.all(np.diff(ds.image_t1.wavelength.values) > 0)  # bands stacked in wavelength order
    assert float(ds.image_t1.values.max()) > 1000  # DN, not rescaled


def test_taizhou(shared_data):
    ds = load("taizhou", root=shared_data)
    assert ds.image_t1.shape == (6, 400, 400)
    c = ds.change.values
    assert int((c == 1).sum()) == 4227 and int((c == 0).sum()) == 17163 and int((c == IGNORE).sum()) == 160000 - 21390
    np.testing.assert_allclose(ds.image_t1.wavelength.values, [482.5, 565, 660, 825, 1650, 2220])
    assert int(ds.image_t1.values.min()) == 10 and int(ds.image_t1.values.max()) == 183


@pytest.mark.parametrize("name,shape,k,labelled", [("indian_pines", (145, 145), 16, 10249),
                                                     ("salinas", (512, 217), 16, 54129),
                                                     ("pavia_u", (610, 340), 9, 42776)])
def test_gt_maps(shared_data, name, shape, k, labelled):
    m = load_mask(name, root=shared_data / "hsi_gt_maps")
    assert m.shape == shape and len(m.attrs["class_names"]) == k
    assert int((m.values >= 0).sum()) == labelled


def test_cube_missing_says_where(shared_data, tmp_path):
    """The label map alone is there, the cube is not: the message names the cube and the folder."""
    import shutil
    (tmp_path / "indian_pines").mkdir()
    shutil.copy(shared_data / "hsi_gt_maps" / "Indian_pines_gt.mat", tmp_path / "indian_pines")
    with pytest.raises(FileNotFoundError, match=r"Indian_pines_corrected\.mat.*indian_pines/"):
        load("indian_pines", root=tmp_path, download=False)
