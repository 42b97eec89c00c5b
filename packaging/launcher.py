"""The bundle's entry point: the same ``moments`` command as the venv's launcher."""

from moments.cli import main

raise SystemExit(main())
