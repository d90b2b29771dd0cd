"""The version of mentor-rules: the one place it is written, read by ``mentor_rules.__version__``
and by the advice naming its producer (:class:`~mentor_rules.Provenance`).

Hatchling reads it from here when it builds the distribution (``[tool.hatch.version]`` in
``pyproject.toml``), so the package and its metadata cannot disagree; reading it costs nothing
at import, where asking ``importlib.metadata`` took about a fifth of the import time.
"""

__all__ = ["LIBRARY", "VERSION", "__version__"]

__version__ = "0.2.0"

#: The distribution's name, as the advice names its producer.
LIBRARY = "mentor-rules"
VERSION = __version__
