"""The JSON path's two ends and its text, side by side with another checkout's (issue 19).

Times, interleaved in one process on the same generated situations as ``bench.py``:
``situation_from_dict`` (a document as ``json.loads`` gives it), ``advice_to_dict``,
``json_text`` as ``--jsonl`` writes a line and indented as ``advise --format json`` prints
a document, and ``advise`` on a ``Situation`` for scale. With ``--against DIR`` (a checkout,
say ``/work/main``), that checkout's ``model/documents.py`` and ``io/escape.py`` are loaded
beside this one's (on this checkout's model) and timed in the same rounds, after checking
that both give the same documents and texts. Run from the repository root::

    python benchmarks/json_path.py                        # this checkout alone
    python benchmarks/json_path.py --against /work/main   # and main's two modules beside it

Target 19.3 itself (the whole path against ``advise``) is ``bench.py``'s; this prints what
reading and writing cost of ``advise``, the figure to watch as ``advise`` gets quicker.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from bench import Variant, measure, situation

from mentor_rules import Advisor
from mentor_rules.io import escape
from mentor_rules.model import documents


def _load(path: Path, name: str) -> ModuleType:
    """The module at ``path``, loaded as ``name`` (within this checkout's package, so that its
    relative imports find this checkout's modules)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None, path
    assert spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--against", type=Path, help="a checkout to time side by side")
    parser.add_argument("--sizes", default="1,10,50", help="candidates (default 1,10,50)")
    parser.add_argument("--rounds", type=int, default=15, help="rounds at 10 candidates")
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args(argv)

    versions = {"this": (documents, escape)}
    if args.against is not None:
        source = args.against / "src" / "mentor_rules"
        versions["against"] = (
            _load(source / "model" / "documents.py", "mentor_rules.model._against_documents"),
            _load(source / "io" / "escape.py", "mentor_rules.io._against_escape"),
        )
    advisor = Advisor(engine="python")
    for size in (int(s) for s in args.sizes.split(",")):
        rng = random.Random(args.seed * 1000 + size)
        situations = [situation(rng, size) for _ in range(10)]
        docs = [json.loads(json.dumps(documents.situation_to_dict(s))) for s in situations]
        outs = [advisor.advise(s) for s in situations]
        written = [{"line": 1, "advice": documents.advice_to_dict(a)} for a in outs]
        variants: list[Variant] = [("advise on a Situation", _call(advisor.advise, situations))]
        for label, (docs_module, escape_module) in versions.items():
            for doc, out, line in zip(docs, outs, written, strict=True):  # the same answers
                assert docs_module.situation_from_dict(doc) == documents.situation_from_dict(doc)
                assert docs_module.advice_to_dict(out) == documents.advice_to_dict(out)
                assert escape_module.json_text(line, indent=2) == escape.json_text(line, indent=2)
            variants += [
                (f"{label}: situation_from_dict", _call(docs_module.situation_from_dict, docs)),
                (f"{label}: advice_to_dict", _call(docs_module.advice_to_dict, outs)),
                (f"{label}: json_text, a --jsonl line", _call(escape_module.json_text, written)),
                (
                    f"{label}: json_text, indented (--format json)",
                    _call(_indented(escape_module), written),
                ),
            ]
        rounds = args.rounds * 4 if size < 10 else max(3, args.rounds * 10 // size)
        times = measure(variants, len(situations), rounds, warmup=1)
        advise = times["advise on a Situation"]
        print(f"== {size} candidates (median us per call; x advise on a Situation)")
        for label, value in times.items():
            print(f"  {label:<48}{value:>10.1f}  {value / advise:6.3f}x")
        for label in versions:
            both = times[f"{label}: situation_from_dict"] + times[f"{label}: advice_to_dict"]
            print(f"  {label}: reading and writing together {both / advise:.3f}x advise")
    return 0


def _indented(module: ModuleType) -> Callable[[Any], object]:
    return lambda document: module.json_text(document, indent=2)


def _call(function: Callable[[Any], object], inputs: Sequence[Any]) -> Callable[[int], object]:
    return lambda i: function(inputs[i])


if __name__ == "__main__":
    sys.exit(main())
