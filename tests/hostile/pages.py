"""Read a page's forms the way a browser would: each form's action, fields and current values."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class PageForm:
    """One ``<form method="post">``: where it posts and what a browser would send unchanged."""

    action: str
    values: dict[str, str] = field(default_factory=dict)
    #: every field a user can change (text, number, date, select, textarea, radio, checkbox)
    editable: list[str] = field(default_factory=list)


class _Forms(HTMLParser):
    def __init__(self, page_path: str) -> None:
        super().__init__()
        self.page_path = page_path
        self.forms: list[PageForm] = []
        self.current: PageForm | None = None
        self.select: str | None = None
        self.textarea: str | None = None
        self.first_option: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self.current = PageForm(a.get("action") or self.page_path)
            self.forms.append(self.current)
        if self.current is None or ("name" not in a and tag != "option"):
            return
        name = a.get("name", "")
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                self._editable(name)
                if "checked" in a or (kind == "radio" and name not in self.current.values):
                    self.current.values[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                self.current.values.setdefault(name, a.get("value", ""))
                if kind != "hidden":
                    self._editable(name)
        elif tag == "select":
            self.select = name
            self._editable(name)
        elif tag == "option" and self.select:
            value = a.get("value", "")
            self.first_option.setdefault(self.select, value)
            if "selected" in a:
                self.current.values[self.select] = value
        elif tag == "textarea":
            self.textarea = name
            self.current.values[name] = ""
            self._editable(name)

    def _editable(self, name: str) -> None:
        assert self.current is not None
        if name not in self.current.editable:
            self.current.editable.append(name)

    def handle_data(self, data: str) -> None:
        if self.current is not None and self.textarea:
            self.current.values[self.textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self.current is not None and self.select:
            self.current.values.setdefault(self.select, self.first_option.get(self.select, ""))
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.current = None


def post_forms(html: str, page_path: str) -> list[PageForm]:
    """The page's POST forms, in page order."""
    parser = _Forms(page_path)
    parser.feed(html)
    return parser.forms
