"""The quarterly report as PDF: the printable template rendered by WeasyPrint.

Nothing is fetched from the network or the disk: the chart images are served
from memory by :class:`MemoryFetcher` (``memory:chart-N.png``), which refuses
every other URL, and the fonts are the system's Noto CJK (fonts-noto-cjk),
found by fontconfig and embedded (subset) in the PDF.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher
from weasyprint.urls import URLFetcherResponse

TEMPLATE = "supervision/quarterly_report_pdf.html"
SCHEME = "memory:"


class MemoryFetcher(URLFetcher):
    """Serves the report's own images from memory; any other URL is refused."""

    def __init__(self, images: dict[str, bytes]):
        super().__init__(allowed_protocols=["memory"], allow_redirects=False)
        self.images = images

    def fetch(self, url, headers=None):
        name = url[len(SCHEME) :] if url.startswith(SCHEME) else None
        if name is None or name not in self.images:
            raise ValueError(f"refused to fetch {url!r}: the report uses in-memory images only")
        return URLFetcherResponse(
            url, body=self.images[name], headers={"Content-Type": "image/png"}
        )


def chart_images(content: dict) -> tuple[list[dict], dict[str, bytes]]:
    """The target rows with a ``chart_url`` each, and the images those URLs name."""
    images, rows = {}, []
    for index, row in enumerate(content["targets"]):
        name = f"chart-{index}.png"
        images[name] = row["chart"]
        rows.append({**row, "chart_url": SCHEME + name})
    return rows, images


def render_pdf(content: dict) -> tuple[bytes, int]:
    """The report as PDF bytes, with its page count."""
    targets, images = chart_images(content)
    html = render_to_string(TEMPLATE, {"report": content, "targets": targets})
    document = HTML(string=html, base_url=SCHEME, url_fetcher=MemoryFetcher(images)).render()
    return document.write_pdf(), len(document.pages)
