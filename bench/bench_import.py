"""How long `import mlops_course` takes in a fresh interpreter (target: under 0.5 s).

Usage: .venv/bin/python bench/bench_import.py [repeats]
"""

import statistics
import subprocess
import sys
import time

repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 10
baseline, with_pkg = [], []
for _ in range(repeats):
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    baseline.append(time.perf_counter() - t)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import mlops_course"], check=True)
    with_pkg.append(time.perf_counter() - t)
cost = statistics.median(with_pkg) - statistics.median(baseline)
print(f"interpreter start (median of {repeats}): {statistics.median(baseline) * 1000:.0f} ms")
print(f"start + import mlops_course (median):  {statistics.median(with_pkg) * 1000:.0f} ms")
print(f"import mlops_course itself:            {cost * 1000:.0f} ms (target < 500 ms)")
