"""Measure: repeated code in the app (issue 9's count), split into declarations and logic.

Runs the workplace's ``duplicates`` command (it must be on PATH; it is not part of LuZhi)
over a copy of ``luzhi/`` without ``migrations/``, ``tests/`` and ``static/vendor/``, and
sorts the pairs it lists (places sharing six or more same-shape lines):

- **marked boilerplate** by the tool itself;
- **declarations**: at least 70 % of the shared lines on the first side declare rather than
  compute — model and serializer fields and their options, ``Meta``, ``TextChoices`` members,
  ``__str__``, URL patterns and router registrations, filter and resource field lists,
  dataclass fields, a policy's or app's class attributes (``model``, ``messages``, ``menu``
  …), closing brackets. Any two lists of six same-shaped declarations pair up;
- **logic**: the rest — the pairs issue 9 asks to fold (at most 40).

Every logic pair is printed with its places, so the count can be checked by reading them.
The last line reads ``pairs=… boilerplate=… declarations=… logic=…``.

    .venv/bin/python bench/repeats.py [--list-declarations]
"""

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DECLARATION = [
    re.compile(pattern)
    for pattern in (
        r"^\s*\w+\s*=\s*(models|serializers|django_filters|filters|forms)\.\w+\(",
        r"^\s*\w+\s*=\s*\w+_(field|filter)\(",  # the apps' field and filter helpers
        r"^\s*history\s*=\s*HistoricalRecords\(",
        r"^\s*class Meta\b",
        r"^\s*class \w+\((models\.)?(TextChoices|IntegerChoices)\):",
        r"^\s*[A-Z][A-Z0-9_]*\s*=\s*[\"'].*[\"']\s*,\s*_\(.*\)\s*$",  # a choice
        r"^\s*(ordering|verbose_name|verbose_name_plural|fields|exclude|model|read_only_fields"
        r"|list_display|list_filter|search_fields|readonly_fields|indexes|constraints"
        r"|app_label|name|label|url_prefix|registers|menu|landings|filterset_class"
        r"|serializer_class|queryset|permission_classes|policy|service_object|lookup_field"
        r"|extra_kwargs|import_id_fields|export_order|messages|plan_path|field_class)\s*=",
        r"^\s*(null|blank|default|on_delete|related_name|verbose_name|max_length|choices"
        r"|help_text|db_index|validators|limit_choices_to|fields|name|condition|check|label"
        r"|queryset|field_name|lookup_expr|read_only|required|allow_null|source)=",
        r"^\s*(models\.(Index|UniqueConstraint|CheckConstraint)|path|re_path)\(",
        r"^\s*(urlpatterns|app_name)\s*=",
        r"^\s*router\.register\(",
        r"^\s*def __str__\(self\)",
        r"^\s*return (self\.\w+|f\".*\"|str\(self\.\w+\))\s*$",  # what __str__ returns
        r"^\s*\w+\s*:\s*[\w\[\], |.]+(\s*=\s*[^=].*)?$",  # a dataclass field
        r"^\s*@dataclass\b",
        r"^\s*\"[\w.]+\",?\s*$",  # an item of a field list
        r"^\s*[\"'][\w.:-]+[\"']\s*:\s*_\(.*\),?\s*$",  # a message of a policy's table
        r"^\s*_\(\".*\"\),?\s*$",
        r"^\s*[\]\)\}]+,?\s*$",
        r"^\s*\w+\s*=\s*(serializers\.)?\w+Serializer\(.*\)\s*$",
    )
]
ROW = re.compile(r"^(D\d+) (\S+):(\d+)-(\d+) ~ (\S+):(\d+)-(\d+)(.*)$")


def _copy(target: Path) -> None:
    def ignore(_dir, names):
        return [n for n in names if n in ("migrations", "tests", "vendor", "__pycache__")]

    shutil.copytree(ROOT / "luzhi", target / "luzhi", ignore=ignore)
    git = ["git", "-C", str(target), "-c", "user.email=bench@luzhi", "-c", "user.name=bench"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "copy"], check=True)


def _declares(target: Path, path: str, first: int, last: int) -> float:
    lines = (target / path).read_text().splitlines()[first - 1 : last]
    code = [line for line in lines if line.strip() and not line.strip().startswith(("#", "{#"))]
    if not code:
        return 1.0
    return sum(any(p.search(line) for p in DECLARATION) for line in code) / len(code)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list-declarations", action="store_true")
    args = parser.parse_args()
    if shutil.which("duplicates") is None:
        sys.exit("the `duplicates` command is not on PATH (it belongs to the workplace, not LuZhi)")
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp)
        _copy(target)
        out = subprocess.run(
            ["duplicates", "--most", "200", "--seconds", "300"],
            cwd=target, capture_output=True, text=True, check=True,
        ).stdout
        header = out.splitlines()[0]
        boilerplate, declarations, logic = 0, [], []
        for line in out.splitlines():
            match = ROW.match(line.strip())
            if not match:
                continue
            if "boilerplate" in line:
                boilerplate += 1
                continue
            path, first, last = match.group(2), int(match.group(3)), int(match.group(4))
            share = _declares(target, path, first, last)
            (declarations if share >= 0.7 else logic).append((share, line.strip()))
    # "N pairs of places (…), each sharing … (S by shape alone, B of those marked boilerplate)"
    total = int(re.search(r"(\d+) pairs of places", header).group(1))
    marked = int(re.search(r"(\d+) of those marked", header).group(1))
    listed = boilerplate + len(declarations) + len(logic)
    if total - marked != len(declarations) + len(logic):  # the tool lists boilerplate last
        sys.exit(f"the tool listed {listed} of {total} pairs, not every unmarked one: raise --most")
    boilerplate = marked
    print(header)
    print(f"{'kind':<28}{'pairs':>6}")
    print(f"{'marked boilerplate':<28}{boilerplate:>6}")
    print(f"{'declarations':<28}{len(declarations):>6}")
    print(f"{'logic':<28}{len(logic):>6}")
    print("\nlogic pairs (share of declaring lines, the tool's row):")
    for share, line in sorted(logic):
        print(f"  {share:4.2f}  {line}")
    if args.list_declarations:
        print("\ndeclaration pairs:")
        for share, line in sorted(declarations):
            print(f"  {share:4.2f}  {line}")
    print(
        f"pairs={total} boilerplate={boilerplate} declarations={len(declarations)} logic={len(logic)}"
    )


if __name__ == "__main__":
    main()
