"""python -m upi_fraud.monitoring: the weekly monitoring job (see cli.py)."""

import sys

from upi_fraud.monitoring.cli import main

sys.exit(main())
