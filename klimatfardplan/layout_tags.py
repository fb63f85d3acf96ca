"""``{% constant %}…{% endconstant %}``: a part of the page layout rendered once per language.

The layout around every page (stylesheet links, the brand, the footer's texts, the menu's fixed
buttons) is the same for every request in a language, yet the template engine rebuilt it on each
one: static file URLs, reversed URLs and a dozen translations cost about as much as a minimal
page. A ``constant`` block is rendered the first time it is needed in a language (and URL
prefix) and its HTML reused after that, in this process.

It cannot show anything of a request or user by mistake: the block is rendered with an empty
context (no request, user, csrf token or view data), so only translations, ``{% url %}`` and
``{% static %}`` give it content. Registered as the ``layout`` library in settings.
"""

from __future__ import annotations

import weakref

from django import template
from django.template.base import NodeList, Parser, Token
from django.template.context import Context
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

# Per node, so a template reloaded in development starts afresh with its new nodes.
_rendered: weakref.WeakKeyDictionary[ConstantNode, dict[tuple[object, ...], SafeString]] = (
    weakref.WeakKeyDictionary()
)


class ConstantNode(template.Node):
    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: Context) -> SafeString:
        key = (get_language(), get_script_prefix(), get_urlconf())
        by_key = _rendered.setdefault(self, {})
        html = by_key.get(key)
        if html is None:
            # A fresh context of the same kind: nothing of this request is reachable in it.
            empty = Context(autoescape=context.autoescape)
            empty.template = context.template
            html = by_key[key] = mark_safe(self.nodelist.render(empty))  # noqa: S308  (rendered by the engine)
        return html


@register.tag("constant")
def constant(parser: Parser, token: Token) -> ConstantNode:
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% constant %} takes no arguments.")
    nodelist = parser.parse(("endconstant",))
    parser.delete_first_token()
    return ConstantNode(nodelist)
