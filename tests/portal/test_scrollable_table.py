"""{% scrollable_table %}: a wide table in the focusable wrapper that lets a keyboard user scroll it."""

import pytest
from django.template import Context, Template, TemplateSyntaxError


def test_the_table_sits_in_a_focusable_scrollable_wrapper_with_its_classes():
    source = "{% scrollable_table classes %}<caption>{{ title }}</caption>{% endscrollable_table %}"
    html = Template(source).render(Context({"classes": "table table-sm", "title": "<b>Taux</b>"}))
    assert html == (
        '<div tabindex="0" class="table-responsive">\n'
        '<table class="table table-sm"><caption>&lt;b&gt;Taux&lt;/b&gt;</caption></table>\n</div>\n'
    )


def test_without_its_classes_the_template_is_refused():
    with pytest.raises(TemplateSyntaxError):
        Template("{% scrollable_table %}<tbody></tbody>{% endscrollable_table %}")
