"""Consultations in the admin: the "Ý kiến Nhân dân" menu, a button on each consultation, the export's history line."""

from wagtail import hooks
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import LogFormatter

from .admin_views import consultation_comments_viewset, reads_comments, url
from .models import ConsultationPage
from .services import EXPORT_ACTION

LABEL_COMMENTS = "Xem ý kiến Nhân dân"


@hooks.register("register_admin_viewset")
def register_consultation_comments_viewset():
    return consultation_comments_viewset


class CommentsExportedFormatter(LogFormatter):
    label = "Tải danh sách ý kiến Nhân dân"

    def format_message(self, log_entry):
        data = log_entry.data or {}
        kind = "Excel" if data.get("format") == "xlsx" else "CSV"
        return f"Tải {data.get('rows', 0)} ý kiến Nhân dân (tệp {kind})"


@hooks.register("register_log_actions")
def register_consultation_log_actions(actions):
    actions.register_action(EXPORT_ACTION)(CommentsExportedFormatter)


def _comments_button(page, user, priority):
    # The gate and the view check the commune again; here only whether to offer the button at all.
    cls = page.specific_class
    if cls is not None and issubclass(cls, ConsultationPage) and reads_comments(user):
        yield Button(LABEL_COMMENTS, url=url("comments", page.pk), icon_name="comment", priority=priority)


@hooks.register("register_page_header_buttons")
def consultation_header_button(page, user, view_name, next_url=None):
    yield from _comments_button(page, user, 5)


@hooks.register("register_page_listing_more_buttons")
def consultation_listing_button(page, user, next_url=None):
    yield from _comments_button(page, user, 3)
