"""The benchmark's data set: the large scenario, built once into bench/.data and copied per run."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from app.config import DEFAULT_PLATFORMS
from app.seed.bulk_data import Sizes, seed_large
from app.store.delta_store import DeltaStore

CACHE = Path(__file__).resolve().parent / ".data"
MARKER = ".complete.json"
PLATFORMS = DEFAULT_PLATFORMS.split(",")


def prepare(workdir: Path, sizes: Sizes) -> tuple[Path, str]:
    """A fresh copy of the large store under workdir; builds (and caches) it when needed.

    The cache counts as complete only with its marker, written last and naming the same sizes."""
    target = workdir / "data"
    marker = CACHE / MARKER
    wanted = json.dumps(sizes.__dict__, sort_keys=True)
    if not (marker.exists() and marker.read_text() == wanted):
        shutil.rmtree(CACHE, ignore_errors=True)
        started = time.perf_counter()
        args = [str(CACHE), str(sizes.items), str(sizes.events), str(sizes.comments), str(sizes.votes)]
        done = subprocess.run([sys.executable, "-m", "bench.dataset", *args], check=True, capture_output=True,
                              text=True)
        marker.write_text(wanted)
        note = f"built bench/.data: {done.stdout.strip()} (wall {time.perf_counter() - started:.0f} s)"
    else:
        note = "reused bench/.data"
    shutil.copytree(CACHE, target, ignore=shutil.ignore_patterns(MARKER, ".writer.lock"))
    return target, note


def build(folder: Path, sizes: Sizes) -> str:
    """Seed the large scenario into an empty store at folder (run in its own process)."""
    store = DeltaStore(folder)
    try:
        return seed_large(store, PLATFORMS, sizes)
    finally:
        store.close()


if __name__ == "__main__":
    print(build(Path(sys.argv[1]), Sizes(*(int(a) for a in sys.argv[2:6]))))
