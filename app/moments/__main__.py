"""``python -m moments``."""

from moments.cli import main

raise SystemExit(main())
