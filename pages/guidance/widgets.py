"""A text box with suggestions: officers pick a common value or type their own."""

from django import forms
from django.utils.html import format_html, format_html_join


class DatalistInput(forms.TextInput):
    """A TextInput tied to a <datalist>, so the browser offers suggestions without limiting the choice."""

    def __init__(self, suggestions=(), attrs=None):
        super().__init__(attrs)
        self.suggestions = tuple(suggestions)

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or 'id_' + name}-goi-y"
        attrs["list"] = list_id
        attrs.setdefault("autocomplete", "off")
        field = super().render(name, value, attrs, renderer)
        options = format_html_join("", '<option value="{}">', ((s,) for s in self.suggestions))
        return format_html('{}<datalist id="{}">{}</datalist>', field, list_id, options)
