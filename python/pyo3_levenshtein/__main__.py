"""``python -m pyo3_levenshtein``: the same command as ``pyo3-levenshtein``."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
