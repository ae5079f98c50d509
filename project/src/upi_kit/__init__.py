"""upi_kit: what the UPI fraud project needs from the world it runs in.

A bank's fraud model depends on a client for its data warehouse; this project depends on
this small package instead. It holds three things, and nothing the project teaches:

* `data`: the synthetic year (2025) of UPI payments with fraud, generated deterministically
  from a seed and cached as parquet (`data.load(size, seed)`);
* `story`: the story's named constants (the time split, go-live, the incidents, the costs);
* `workspace`: where runs write (`UPI_WORKSPACE`, default ./workspace) and where the data
  cache lives (`UPI_DATA_CACHE`, default datasets/cache next to the workspace).

It imports only the standard library, numpy, pandas and pyarrow, so importing it is cheap,
and it never imports the course. The course installs it; an exported project carries a copy.
"""

import os

from .workspace import TELEMETRY_OFF

# Telemetry off by default, before any of the stack (MLflow, BentoML, Feast) is imported.
for _var, _val in TELEMETRY_OFF.items():
    os.environ.setdefault(_var, _val)

__version__ = "0.2.0"
