"""LuZhi (鲁智): the platform that runs Shandong's AI Industry S&T Innovation Action Plan."""
