"""Admin hooks for disclosures: the late-posting warning, the minimum-period guard, the holidays menu."""

from django.contrib import messages
from rest_framework.response import Response
from wagtail import hooks
from wagtail.admin.api.views import PagesAdminAPIViewSet
from wagtail.log_actions import LogFormatter
from wagtail.models import Page

from .admin_views import guard_removal, holiday_viewset
from .models import DisclosurePage
from .services import EARLY_REMOVAL_ACTION, guarded_disclosures

# --- Late posting: a warning, never a refusal (the law's deadline has already passed) ---------------------


def warn_if_late(request, page):
    if isinstance(page, DisclosurePage) and page.decision_date and page.is_late:
        messages.warning(request, page.late_message)


@hooks.register("after_create_page")
def warn_late_disclosure_on_create(request, page):
    warn_if_late(request, page)


@hooks.register("after_edit_page")
def warn_late_disclosure_on_edit(request, page):
    warn_if_late(request, page)


# --- Minimum posting period: only the commune's approver takes a disclosure down early -------------------


@hooks.register("before_unpublish_page")
def guard_unpublish(request, page):
    descendants = bool(request.POST.get("include_descendants"))
    return guard_removal(request, guarded_disclosures([page], descendants=descendants), "unpublish")


@hooks.register("before_delete_page")
def guard_delete(request, page):
    return guard_removal(request, guarded_disclosures([page], descendants=True), "delete")


@hooks.register("before_bulk_action")
def guard_bulk_removal(request, action_type, objects, action_class_instance):
    model = getattr(action_class_instance, "model", None)
    if action_type not in ("unpublish", "delete") or model is None or not issubclass(model, Page):
        return None
    descendants = action_type == "delete"
    form = getattr(action_class_instance, "cleaned_form", None)
    if form is not None and form.cleaned_data.get("include_descendants"):
        descendants = True
    return guard_removal(request, guarded_disclosures(objects, descendants=descendants), action_type)


class GuardedPagesAdminAPIViewSet(PagesAdminAPIViewSet):
    """The admin API's unpublish and delete run no page hooks, so the guard is applied here: a disclosure inside
    its period is refused outright (the approver's confirmation page is in the admin, not in the API)."""

    def action_view(self, request, pk, action_name):
        if action_name in ("unpublish", "delete"):
            descendants = action_name == "delete" or bool(request.data.get("recursive"))
            if guarded_disclosures([self.get_object()], descendants=descendants):
                message = (
                    "Chưa hết thời hạn công khai tối thiểu. Hãy gỡ hoặc xóa trong trang quản trị để lãnh đạo "
                    "phê duyệt xác nhận và ghi lý do."
                )
                return Response({"message": message}, status=403)
        return super().action_view(request, pk, action_name)


@hooks.register("construct_admin_api")
def guard_disclosures_in_admin_api(router):
    router.register_endpoint("pages", GuardedPagesAdminAPIViewSet)


class EarlyRemovalFormatter(LogFormatter):
    label = "Gỡ thông tin công khai trước thời hạn"

    def format_message(self, log_entry):
        data = log_entry.data or {}
        what = "Xóa" if data.get("action") == "delete" else "Gỡ xuống"
        return f"{what} trước thời hạn công khai, lý do: {data.get('reason', '—')}"


@hooks.register("register_log_actions")
def register_disclosure_log_actions(actions):
    actions.register_action(EARLY_REMOVAL_ACTION)(EarlyRemovalFormatter)


# --- Public holidays (Settings menu; admin_gate keeps the URLs for operators) ----------------------------


@hooks.register("register_admin_viewset")
def register_holiday_viewset():
    return holiday_viewset
