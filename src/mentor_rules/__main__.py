"""``python -m mentor_rules``: the command line, as ``mentor-rules``."""

from .cli import main

raise SystemExit(main())
