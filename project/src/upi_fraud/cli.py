"""What the project's commands share: argument types, and how a command says it cannot go on.

A command that cannot do what was asked prints one sentence saying what to do and exits with
status 2; a traceback is for bugs, not for a missing prerequisite.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from upi_kit import data


class CommandError(RuntimeError):
    """A command cannot go on as asked: the message says what to do."""


def number(kind: type[int] | type[float], minimum: float = 0,
           inclusive: bool = False) -> Callable[[str], int | float]:
    """An argparse type: a number above `minimum` (or at it, when inclusive)."""

    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            value = None
        if value is None or value < minimum or (value == minimum and not inclusive):
            what = "non-negative" if inclusive else "positive"
            raise argparse.ArgumentTypeError(f"must be a {what} {kind.__name__}, got {text!r}")
        return value

    return parse


def data_size(text: str) -> str:
    """A size name or a whole number of payments (kept as text, as DATA_SIZE is everywhere)."""
    try:
        data.resolve_size(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    return text


def add_data_arguments(parser: argparse.ArgumentParser) -> None:
    """--data-size and --seed, as every command that loads the dataset takes them."""
    parser.add_argument("--data-size", type=data_size, default="default",
                        help=f"dataset size: {', '.join(data.SIZES)} or a number of payments (default: default)")
    parser.add_argument("--seed", type=int, default=42, help="seed of the dataset (default: 42)")


def fail(command: str, error: Exception) -> int:
    """Say why a command stopped, in one line on stderr; the exit status for it."""
    print(f"{command}: {error}", file=sys.stderr)
    return 2
