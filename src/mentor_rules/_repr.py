"""The ``__repr__`` every attrs class of the package shares, in place of one attrs writes for each.

attrs writes each class's ``__repr__`` as source and compiles it when the class is made, at
every import: about a quarter of what making a class costs (0.19 of 0.70 ms a class on the
loaded development machine), about 13 ms of the command line's start for its 61 classes. A
class names this function in its body (``__repr__ = attrs_repr``), and attrs, seeing a
``__repr__`` of the class's own, writes none. The text is attrs' own, character for character
(``tests/test_startup.py`` compares it with the ``__repr__`` attrs writes, class by class): the
class's qualified name, then each field whose ``repr`` is not false, formatted by ``repr`` or by
the field's own ``repr`` callable; a field not set by ``__init__`` and never set shows attrs'
``NOTHING``, and an object met again inside its own repr is ``...``. The classes stay attrs
classes (``attrs.fields``, ``attrs.evolve``, ``attrs.asdict`` and the converter see no
difference); only the cost moves from import to the rare call, where reading the fields takes
a few microseconds more than a written method.
"""

from __future__ import annotations

import threading

import attrs

__all__ = ["attrs_repr"]

#: The ids of the objects being written by this thread's calls, to write ``...`` for an
#: object met again inside its own repr (as attrs does).
_WRITING = threading.local()


def attrs_repr(self: attrs.AttrsInstance) -> str:
    """The repr attrs would write for ``self``, an instance of an attrs class."""
    try:
        writing: set[int] = _WRITING.ids
    except AttributeError:
        writing = _WRITING.ids = set()
    if id(self) in writing:
        return "..."
    writing.add(id(self))
    try:
        cls = self.__class__
        parts = []
        for field in attrs.fields(cls):
            if field.repr is False:
                continue
            if field.init:
                value = getattr(self, field.name)
            else:
                value = getattr(self, field.name, attrs.NOTHING)
            write = repr if field.repr is True else field.repr
            parts.append(f"{field.name}={write(value)}")
        return f"{cls.__qualname__.rsplit('>.', 1)[-1]}({', '.join(parts)})"
    finally:
        writing.discard(id(self))
