import sys

from icilens.cli.commands import main

sys.exit(main())
