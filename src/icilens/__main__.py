import sys

from icilens.cli import main

sys.exit(main())
