"""How many rows a page lists, and the page a request asks for: every paginated view reads this,
and the template `includes/pagination.html` draws the links."""

from django.core.paginator import Page, Paginator

# Lists to act on (structures, dossiers) stay short; the toolbox shows cards, longer to read;
# tables to scan (exits, dashboard rows) hold more.
LIST_PAGE_SIZE = 25
CARD_PAGE_SIZE = 20
TABLE_PAGE_SIZE = 50


def paginate(request, items, per_page: int, param: str = "page") -> Page:
    """The page of `items` asked for by `?page=` (or `param`, for a second list on the same page;
    the first page when it is not a number, the last when it is past the end)."""
    return Paginator(items, per_page).get_page(request.GET.get(param))


def querystring_without_page(request, param: str = "page") -> str:
    """The request's other parameters (its filters, another list's page), for the links to the
    other pages of the list paginated by `param`."""
    params = request.GET.copy()
    params.pop(param, None)
    return params.urlencode()
