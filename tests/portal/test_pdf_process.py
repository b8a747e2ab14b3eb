"""PDFs are composed in a low-priority child process (siae_portal.pdf_process), which starts on the
first PDF, is kept, and is replaced when it dies."""

import os

import pytest

from siae_portal import pdf_process

HTML = (
    "<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><title>t</title></head>"
    "<body><h1>Synthèse</h1></body></html>"
)


@pytest.fixture
def child_process(settings):
    settings.PDF_CHILD_PROCESS = True
    yield
    if pdf_process._executor is not None:
        pdf_process._forget(pdf_process._executor)


def test_a_pdf_is_composed_in_a_low_priority_child_process(child_process):
    content = pdf_process.html_to_pdf(HTML)
    assert content.startswith(b"%PDF-")
    child = pdf_process._executor
    assert child is not None
    # Another PDF goes to the same child, which runs below the web worker's priority.
    assert pdf_process.html_to_pdf(HTML).startswith(b"%PDF-")
    assert pdf_process._executor is child
    assert child.submit(os.getpid).result() != os.getpid()
    assert child.submit(os.nice, 0).result() >= os.nice(0) + pdf_process.PDF_PROCESS_NICENESS


def test_a_dead_child_is_replaced_and_the_pdf_still_composed(child_process):
    pdf_process.html_to_pdf(HTML)
    child = pdf_process._executor
    child.submit(os._exit, 1)  # the child dies (as when killed for lack of memory)
    content = pdf_process.html_to_pdf(HTML)
    assert content.startswith(b"%PDF-")
    assert pdf_process._executor is not child


def test_without_the_child_the_pdf_is_composed_in_the_request(settings):
    settings.PDF_CHILD_PROCESS = False
    assert pdf_process.html_to_pdf(HTML).startswith(b"%PDF-")
    assert pdf_process._executor is None
