"""`{% scrollable_table "table classes" %}<caption>…</caption>…{% endscrollable_table %}`: a table in a
focusable, horizontally scrollable wrapper, the way every wide table of the portal is shown (a keyboard
user can scroll it: axe's scrollable-region-focusable).

`{% paginated_table page "table classes" empty="…" %}<caption>…</caption><thead>…</thead><tbody>…</tbody>
{% endpaginated_table %}`: a page of a list as a table, the way every list of the portal shows one
(a scrollable table as above, then the pagination links of includes/pagination.html),
or the `empty` sentence when the page holds nothing (or, for a sentence with variables, what follows
`{% empty %}` inside the block). Both are builtins of every template (settings.TEMPLATES)."""

from django import template
from django.template.loader import get_template
from django.utils.html import format_html

register = template.Library()


def _scrollable(table_class, body):
    return format_html(
        '<div tabindex="0" class="table-responsive">\n<table class="{}">{}</table>\n</div>\n', table_class, body
    )


class ScrollableTableNode(template.Node):
    def __init__(self, table_class, nodelist):
        self.table_class, self.nodelist = table_class, nodelist

    def render(self, context):
        return _scrollable(self.table_class.resolve(context), self.nodelist.render(context))


@register.tag
def scrollable_table(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError('Usage: {% scrollable_table "table classes" %}…{% endscrollable_table %}')
    nodelist = parser.parse(("endscrollable_table",))
    parser.delete_first_token()
    return ScrollableTableNode(parser.compile_filter(bits[1]), nodelist)


class PaginatedTableNode(template.Node):
    def __init__(self, page, table_class, empty, nodelist, empty_nodelist):
        self.page, self.table_class, self.empty = page, table_class, empty
        self.nodelist, self.empty_nodelist = nodelist, empty_nodelist

    def render(self, context):
        page = self.page.resolve(context)
        if not page.object_list:
            if self.empty is None:
                return self.empty_nodelist.render(context)
            return format_html('<p class="text-body-secondary">{}</p>', self.empty.resolve(context))
        table = _scrollable(self.table_class.resolve(context), self.nodelist.render(context))
        with context.push(page=page):
            pagination = get_template("includes/pagination.html").template.render(context)
        return table + pagination


@register.tag
def paginated_table(parser, token):
    bits = token.split_contents()
    if len(bits) not in (3, 4) or (len(bits) == 4 and not bits[3].startswith("empty=")):
        raise template.TemplateSyntaxError('Usage: {% paginated_table page "table classes" [empty="…"] %}')
    nodelist = parser.parse(("empty", "endpaginated_table"))
    empty_nodelist = template.NodeList()
    if parser.next_token().contents == "empty":
        empty_nodelist = parser.parse(("endpaginated_table",))
        parser.delete_first_token()
    elif len(bits) == 3:
        raise template.TemplateSyntaxError('{% paginated_table %} needs empty="…" or an {% empty %} part.')
    empty = parser.compile_filter(bits[3].removeprefix("empty=")) if len(bits) == 4 else None
    page, table_class = parser.compile_filter(bits[1]), parser.compile_filter(bits[2])
    return PaginatedTableNode(page, table_class, empty, nodelist, empty_nodelist)
