"""The public filter form of the documents register (GET parameters: type, year, field, q)."""

from django import forms

from .models import DocumentType, search_filter


class DocumentFilterForm(forms.Form):
    """Filters by type, year issued, field, and a number or keywords; unknown values are simply refused."""

    q = forms.CharField(
        label="Số/ký hiệu hoặc từ khóa",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Ví dụ: 96/KH-UBND hoặc trung thu"}),
    )
    type = forms.ChoiceField(label="Loại văn bản", required=False)
    year = forms.TypedChoiceField(label="Năm ban hành", required=False, coerce=int, empty_value=None)
    field = forms.ChoiceField(label="Lĩnh vực", required=False)

    def __init__(self, *args, years=(), fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", "Tất cả loại")] + list(DocumentType.choices)
        self.fields["year"].choices = [("", "Tất cả các năm")] + [(y, str(y)) for y in years]
        self.fields["field"].choices = [("", "Tất cả lĩnh vực")] + [(f, f) for f in fields]

    def has_filters(self) -> bool:
        return any(self.cleaned_data.get(k) for k in ("q", "type", "year", "field"))

    def filter(self, documents):
        """Apply every valid filter; an invalid one (say, a year with no documents) is left out."""
        self.is_valid()
        data = self.cleaned_data
        if data.get("type"):
            documents = documents.filter(document_type=data["type"])
        if data.get("year"):
            documents = documents.filter(date_issued__year=data["year"])
        if data.get("field"):
            documents = documents.filter(field=data["field"])
        if data.get("q", "").strip():
            documents = documents.filter(search_filter(data["q"]))
        return documents
