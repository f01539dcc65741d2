"""The compute pages (thin: parse → policy → one service or selector → render)."""
