"""HTML to PDF with WeasyPrint, in a low-priority child process of each web worker.

WeasyPrint takes 0.5 to 1.5 s of CPU for a dossier summary and holds Python's interpreter lock all
along: in a gunicorn worker with threads, every other request of that worker would wait for it,
and on a small machine it competes with the pages for the cores. Composed in a child process
started at lower priority (`PDF_PROCESS_NICENESS`), a PDF only uses the CPU the pages leave, and
the waiting thread releases the lock. The child imports no Django (it only gets HTML and gives
bytes back), is started on the first PDF and kept; if it dies, the next PDF starts another.

`settings.PDF_CHILD_PROCESS` (DJANGO_PDF_CHILD_PROCESS, on by default) switches it off: the PDF
is then composed in the request's own thread (the tests do so, one test uses the child)."""

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from django.conf import settings

PDF_PROCESS_NICENESS = 10
PDF_TIMEOUT_SECONDS = 110  # under gunicorn's --timeout (120 s)

_lock = threading.Lock()
_executor: ProcessPoolExecutor | None = None


def compose(html: str) -> bytes:
    """PDF bytes of a self-contained HTML page. Nothing is fetched: user text cannot make the
    server read a file or call a URL; only inline data: resources (SVG charts) are allowed."""
    from weasyprint import HTML, URLFetcher  # a 0.8 s import: only paid by the first PDF

    # Tagged PDF (headings, tables, reading order) for screen readers: about 50 ms more.
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=("data",))).write_pdf(pdf_tags=True)


def _lower_priority():
    os.nice(PDF_PROCESS_NICENESS)


def _child() -> ProcessPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            # "spawn": a fresh interpreter, never a fork of a process running threads.
            _executor = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=_lower_priority
            )
        return _executor


def _forget(executor: ProcessPoolExecutor) -> None:
    global _executor
    with _lock:
        if _executor is executor:
            _executor = None
    executor.shutdown(wait=False, cancel_futures=True)


def html_to_pdf(html: str) -> bytes:
    """`compose(html)`, in the child process when settings.PDF_CHILD_PROCESS is on."""
    if not getattr(settings, "PDF_CHILD_PROCESS", False):
        return compose(html)
    executor = _child()
    try:
        return executor.submit(compose, html).result(timeout=PDF_TIMEOUT_SECONDS)
    except BrokenProcessPool:
        # The child died (killed, out of memory): the next PDF starts a new one; this one is
        # composed here rather than lost.
        _forget(executor)
        return compose(html)
