"""The plan text parser: a plan (notice and all) as written → the plan JSON document.

Pure Python, no Django: it runs without settings. The format is described in
docs/plan-json.md.
"""

from .decoding import decode_plan_bytes
from .errors import ParseError
from .parser import parse_plan
from .parser import parse_plan_bytes

__all__ = ["ParseError", "decode_plan_bytes", "parse_plan", "parse_plan_bytes"]
