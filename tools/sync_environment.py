"""Write environment.yml (Binder/conda) from requirements-lock.txt, so both pin the same versions.

Usage: python tools/sync_environment.py [--check]
tests/test_consistency.py fails when the two disagree.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = """\
# Binder / conda environment. GENERATED from requirements-lock.txt by
# `python tools/sync_environment.py`: edit requirements.txt, re-lock, regenerate.
# Same versions as the pip lock (a test checks it).
name: upi-fraud-mlops
channels:
  - conda-forge
dependencies:
  - python=3.11
  - pip
  - pip:
"""


def render() -> str:
    lines = [
        line.strip()
        for line in (ROOT / "requirements-lock.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return HEADER + "".join(f"      - {line}\n" for line in lines)


def main(argv: list[str]) -> int:
    target = ROOT / "environment.yml"
    text = render()
    if "--check" in argv:
        if target.read_text() != text:
            print("environment.yml is out of date: run `python tools/sync_environment.py`.")
            return 1
        print("environment.yml matches requirements-lock.txt.")
        return 0
    target.write_text(text)
    print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
