import sys

from ksz_client.cli import main

sys.exit(main())
