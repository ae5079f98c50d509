"""python -m upi_fraud.loop: the closed loop (see cli.py)."""

import sys

from upi_fraud.loop.cli import main

sys.exit(main())
