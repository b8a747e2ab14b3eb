import pytest


@pytest.fixture
def page(page):
    page.set_default_timeout(10_000)
    return page
