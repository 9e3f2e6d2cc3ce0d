"""Run the CLI with ``python -m tambon_gis.cli``."""

import sys

from tambon_gis.cli import main

sys.exit(main())
