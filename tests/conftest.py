"""Shared fixtures: the folder of small real datasets beside the checkout (skipped when absent)."""
import os
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("HSINB_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not (SHARED / "SHA256SUMS").is_file():
        pytest.skip(f"real test data not found at {SHARED} (set HSINB_SHARED_DATA to the shared/data folder)")
    return SHARED
