"""{% paginated_table %}: the table of a page with its pagination, or the sentence for an empty page."""

import pytest
from django.core.paginator import Paginator
from django.template import Context, Template, TemplateSyntaxError

TABLE = (
    '{% paginated_table page "table align-middle" empty="Rien à montrer." %}'
    "<tbody>{% for n in page.object_list %}<tr><td>{{ n }}</td></tr>{% endfor %}</tbody>"
    "{% endpaginated_table %}"
)


def render(source, items, number=1, **context):
    page = Paginator(items, 2).page(number) if items else Paginator([], 2).page(1)
    return Template(source).render(Context({"page": page, **context}))


def test_a_page_is_a_scrollable_table_with_its_pagination_links():
    html = render(TABLE, [1, 2, 3], querystring="q=a")
    assert '<div tabindex="0" class="table-responsive">' in html
    assert '<table class="table align-middle"><tbody><tr><td>1</td></tr><tr><td>2</td></tr></tbody></table>' in html
    assert "Page 1 sur 2" in html and 'href="?q=a&amp;page=2"' in html
    assert "Rien à montrer." not in html


def test_a_single_page_has_no_pagination():
    assert "Pagination" not in render(TABLE, [1])


def test_an_empty_page_gives_its_sentence_escaped_or_its_empty_part():
    assert render(TABLE, []) == '<p class="text-body-secondary">Rien à montrer.</p>'
    source = (
        '{% paginated_table page "table" %}<tbody></tbody>{% empty %}<p>En {{ year }}.</p>{% endpaginated_table %}'
    )
    assert render(source, [], year=2009) == "<p>En 2009.</p>"
    assert render('{% paginated_table page "t" empty=message %}{% endpaginated_table %}', [], message="<b>") == (
        '<p class="text-body-secondary">&lt;b&gt;</p>'
    )


def test_without_an_empty_sentence_the_template_is_refused():
    with pytest.raises(TemplateSyntaxError):
        Template('{% paginated_table page "table" %}<tbody></tbody>{% endpaginated_table %}')
