import sys

from authlab.cli import main

sys.exit(main())
