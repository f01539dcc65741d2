#!/usr/bin/env python
"""Django's manage.py; the same as the ``luzhi`` console script."""

from luzhi.manage import main

if __name__ == "__main__":
    main()
