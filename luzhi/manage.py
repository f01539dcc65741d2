"""The ``luzhi`` console script: Django's manage.py with LuZhi's settings.

A few commands work without the web app or a database and must start fast (no
Django set-up, no heavy imports): they are dispatched here to their own module's
``main(argv)`` before Django is loaded.
"""

import os
import sys
from importlib import import_module

#: ``luzhi <words…>`` → "module:function" run with the remaining arguments, without Django.
LIGHT_COMMANDS = {
    ("eval",): "luzhi.proving_ground.toolkit.cli:main",
    ("scenarios", "match"): "luzhi.scenarios.ranking.cli:main",
}


def _light_command(argv: list[str]):
    for words, target in LIGHT_COMMANDS.items():
        if tuple(argv[1 : 1 + len(words)]) == words:
            module, function = target.split(":")
            return getattr(import_module(module), function), argv[1 + len(words) :]
    return None


def main() -> None:
    light = _light_command(sys.argv)
    if light is not None:
        function, args = light
        sys.exit(function(args))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luzhi.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
