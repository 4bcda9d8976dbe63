"""Admin upload forms for images, documents and videos: every file goes through media/uploads.py."""

from pathlib import Path

from django import forms
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm
from wagtailmedia.forms import BaseMediaForm

from .uploads import UploadRejected, check_document, check_image, check_video, without_metadata


def _extension(uploaded) -> str:
    return Path(uploaded.name).suffix.lower().lstrip(".")


def _new_upload(form, name):
    """The uploaded file when this submission brings one (not the stored file on an edit)."""
    value = form.cleaned_data.get(name)
    return value if value and hasattr(value, "content_type") else None


class SafeImageForm(BaseImageForm):
    def clean_file(self):
        uploaded = _new_upload(self, "file")
        if uploaded is None:
            return self.cleaned_data.get("file")
        try:
            check_image(uploaded)
        except UploadRejected as exc:
            raise forms.ValidationError(str(exc)) from exc
        return without_metadata(uploaded)


def _checked_file(form, check):
    """The form's file after `check(uploaded, extension)`; its refusal becomes the field's error."""
    uploaded = _new_upload(form, "file")
    if uploaded is not None:
        try:
            check(uploaded, _extension(uploaded))
        except UploadRejected as exc:
            raise forms.ValidationError(str(exc)) from exc
    return form.cleaned_data.get("file")


class SafeDocumentForm(BaseDocumentForm):
    def clean_file(self):
        return _checked_file(self, check_document)


class SafeMediaForm(BaseMediaForm):
    def clean_file(self):
        return _checked_file(self, check_video)
