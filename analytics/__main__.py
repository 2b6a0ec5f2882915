"""``python -m analytics ...``: the command line of Ориентир."""
import sys

from .cli import main

sys.exit(main())
