"""Makes ``cli_run`` (the subprocess runner the CLI tests share) importable."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
