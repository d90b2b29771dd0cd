"""The version of mentor-rules: the one place it is written.

Hatchling reads it from here when it builds the distribution (``[tool.hatch.version]`` in
``pyproject.toml``), so the package and its metadata cannot disagree; reading it costs nothing
at import, where asking ``importlib.metadata`` took about a fifth of the import time.
"""

__version__ = "0.1.0"
