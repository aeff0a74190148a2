"""{% layout key ... %} … {% endlayout %}: the frame every page shares (base.html: head, header,
menu, footer) rendered once per process for each value of its keys, and only its
{% per_request %} … {% endper_request %} parts rendered on every request, set between the
pieces kept.

The frame is the same for every page a shopper of one language sees, and walking its nodes was
most of what a catalog page's render path still cost. The keys name everything the frame reads
outside its per-request parts, so a piece kept is never another shopper's.

Checked when the template is compiled: a per-request part sits directly in the layout (not in an
{% if %} or a {% for %}: the pieces are fixed), and the pieces hold no {% block %} (a page
overriding it would get the first page's). A piece must not set a variable a per-request part
reads (a kept piece is not rendered again)."""

import uuid

from django import template
from django.template.base import Node, NodeList
from django.template.loader_tags import BlockNode
from django.utils.safestring import mark_safe

from core.process_memo import ProcessMemo

register = template.Library()

# Each template compiled once (the cached loader) has a few frames: by language, menu highlight,
# signed in or not, and the site settings they show.
_frames = ProcessMemo(512)


class PerRequestNode(Node):
    def __init__(self, nodelist: NodeList):
        self.nodelist = nodelist

    def render(self, context) -> str:
        return self.nodelist.render(context)


class LayoutNode(Node):
    def __init__(self, nodelist: NodeList, keys: list):
        self.nodelist = nodelist
        self.keys = keys
        self.compiled = uuid.uuid4().hex  # this compilation: an edited template is a new one
        self.pieces: list[NodeList] = [NodeList()]
        self.parts: list[PerRequestNode] = []
        for node in nodelist:
            if isinstance(node, PerRequestNode):
                self.parts.append(node)
                self.pieces.append(NodeList())
            else:
                self.pieces[-1].append(node)
        if len(nodelist.get_nodes_by_type(PerRequestNode)) != len(self.parts):
            raise template.TemplateSyntaxError(
                "{% per_request %} must sit directly in {% layout %}, not in another tag"
            )
        if any(piece.get_nodes_by_type(BlockNode) for piece in self.pieces):
            raise template.TemplateSyntaxError("a {% block %} in {% layout %} must be inside {% per_request %}")
        self._found_by_type: dict[type, list[Node]] = {}

    def get_nodes_by_type(self, nodetype) -> list[Node]:
        # {% extends %} asks its root template for its blocks on every render: a walk of the
        # whole frame each time, found once here (a compiled template does not change).
        found = self._found_by_type.get(nodetype)
        if found is None:
            found = self._found_by_type[nodetype] = super().get_nodes_by_type(nodetype)
        return list(found)

    def render(self, context) -> str:
        key = (self.compiled, *(expression.resolve(context) for expression in self.keys))
        pieces = _frames.get(key)
        if pieces is None:
            pieces = [piece.render(context) for piece in self.pieces]
            _frames.put(key, pieces)
        html = [pieces[0]]
        for part, piece in zip(self.parts, pieces[1:]):
            html += (part.render(context), piece)
        return mark_safe("".join(html))


@register.tag
def layout(parser, token):
    keys = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endlayout",))
    parser.delete_first_token()
    return LayoutNode(nodelist, keys)


@register.tag
def per_request(parser, token):
    nodelist = parser.parse(("endper_request",))
    parser.delete_first_token()
    return PerRequestNode(nodelist)


def forget_frames() -> None:
    """Tests: the next render builds every frame again."""
    _frames.clear()
