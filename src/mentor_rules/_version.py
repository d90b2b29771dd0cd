"""The version of the installed distribution: ``mentor_rules.__version__``, and the version the
advice names as its producer (:class:`~mentor_rules.Provenance`)."""

from __future__ import annotations

from importlib import metadata

__all__ = ["LIBRARY", "VERSION"]

#: The distribution's name, as the advice names its producer.
LIBRARY = "mentor-rules"

try:
    VERSION = metadata.version(LIBRARY)
except metadata.PackageNotFoundError:  # imported from a source tree that was never installed
    VERSION = "0+unknown"
