"""python -m upi_fraud.ct: continuous training (see cli.py)."""

import sys

from upi_fraud.ct.cli import main

sys.exit(main())
