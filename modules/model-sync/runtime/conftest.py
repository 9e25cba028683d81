"""Loaded before anything imports src/: src/ is zipped as-is into the Lambda, so test runs must
not leave bytecode in it (neither this process nor any child that imports from src/)."""

import os
import sys

sys.dont_write_bytecode = True
os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
