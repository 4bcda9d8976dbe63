"""Admin forms replaced through Wagtail's settings."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm


class LoginForm(WagtailLoginForm):
    """Wagtail's login form declares its password field without a label, so Django shows the field's
    name ("Password") untranslated: the first screen every officer and trainee sees."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["password"].label = _("Mật khẩu")
