import sys

from config.cli import main

sys.exit(main())
