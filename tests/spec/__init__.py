"""The property-based specification of mentor-rules: one test per promise (see docs/spec.md)."""
