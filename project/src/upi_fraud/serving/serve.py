"""Serve the project's BentoML service on this machine: `upi-serve` (given in lab 04).

    upi-serve --port 3000          (the same as: bentoml serve upi_fraud.serving.service:FraudService ...)

It binds 127.0.0.1 unless told otherwise: a fraud service answers the payment switch, not the internet.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys

SERVICE = "upi_fraud.serving.service:FraudService"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="upi-serve", description="Serve the UPI fraud service with BentoML.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=3000)
    args = p.parse_args(argv)
    bentoml = shutil.which("bentoml")
    if bentoml is None:
        print("upi-serve: the bentoml command is not installed: pip install -r requirements.txt", file=sys.stderr)
        return 2
    os.execv(bentoml, [bentoml, "serve", SERVICE, "--host", args.host, "--port", str(args.port)])


if __name__ == "__main__":
    sys.exit(main())
