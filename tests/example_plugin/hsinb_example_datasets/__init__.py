"""An example of a package that gives hsinb its datasets (an entry point in the `hsinb.datasets` group).

A lab with its own scenes writes a package like this one and declares, in its pyproject.toml:

    [project.entry-points."hsinb.datasets"]
    lab_scenes = "hsinb_example_datasets:specs"

Once the package is installed, `hsinb.datasets.load("example_field")`, `hsinb datasets` and
`hsinb run --dataset example_field` see the dataset in every process, papermill kernels included.
Here the loader generates a small scene; a real one reads the lab's files from the `root` folder.
"""
import numpy as np
from hsinb.cube import as_image, as_mask, make_scene
from hsinb.datasets import DatasetSpec


def _load_field(paths, scene, root):
    rng = np.random.default_rng(0)
    labels = (np.arange(48)[None, :] // 16).repeat(48, 0)  # three vertical fields
    cube = rng.normal(0.3, 0.01, (8, 48, 48)) + 0.1 * labels[None]
    return make_scene(as_image(cube, np.linspace(450, 950, 8), units="reflectance"),
                      as_mask(labels, ["wheat", "barley", "fallow"]))


def specs():
    "The datasets this package provides."
    return [DatasetSpec("example_field", "Example field scene (48 x 48, 8 bands, from a package)", "seg", _load_field,
                        classes=["wheat", "barley", "fallow"], sensor="example")]
