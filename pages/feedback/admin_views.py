"""Mức độ hài lòng in the admin: officers see their commune's pages, worst first; province admins and
operators see each commune's totals (the same numbers oversight shows on the province dashboard)."""

from __future__ import annotations

from django.http import Http404
from django.urls import path, reverse
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from sites.tenancy import scope_for_user

from .forms import SatisfactionPeriodForm
from .selectors import satisfaction_by_commune, satisfaction_by_page

URL_NAMESPACE = "satisfaction"
LABEL_MENU = "Mức độ hài lòng"
MAX_PAGES_SHOWN = 200


def sees_satisfaction(user) -> bool:
    scope = scope_for_user(user)
    return scope.is_superuser or scope.is_officer or scope.is_province_admin


class SatisfactionView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "feedback/admin/satisfaction.html"
    page_title = LABEL_MENU
    header_icon = "pick"

    def dispatch(self, request, *args, **kwargs):
        if not sees_satisfaction(request.user):
            raise Http404("Không tìm thấy trang này.")
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*WagtailAdminTemplateMixin.breadcrumbs_items, {"url": "", "label": LABEL_MENU}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = SatisfactionPeriodForm(self.request.GET or None)
        start, end = form.period()
        scope = scope_for_user(self.request.user)
        context.update(form=form, start=start, end=end)
        if scope.is_officer and not scope.is_superuser:
            pages = satisfaction_by_page(scope.commune_ids, start, end)
            context.update(mode="pages", pages=pages[:MAX_PAGES_SHOWN], page_count=len(pages))
            totals = satisfaction_by_commune(scope.commune_ids, start, end)
        else:
            communes = list(scope.communes().real().order_by("province__sort_name", "sort_name"))
            totals = satisfaction_by_commune([c.pk for c in communes], start, end)
            rows = []
            for commune in communes:
                useful, votes = totals.get(commune.pk, (0, 0))
                rows.append(
                    {
                        "commune": commune,
                        "useful": useful,
                        "votes": votes,
                        "percent": round(100 * useful / votes) if votes else None,
                    }
                )
            rows.sort(key=lambda r: (r["percent"] is None, r["percent"] or 0, -r["votes"]))
            context.update(mode="communes", communes=rows)
        useful = sum(u for u, _ in totals.values())
        votes = sum(n for _, n in totals.values())
        context.update(
            total_useful=useful, total_votes=votes, total_percent=round(100 * useful / votes) if votes else None
        )
        return context


class SatisfactionMenuItem(MenuItem):
    def is_shown(self, request):
        return sees_satisfaction(request.user)


class SatisfactionViewSet(ViewSet):
    name = URL_NAMESPACE
    icon = "pick"
    menu_label = LABEL_MENU
    menu_name = "satisfaction"
    menu_order = 230
    add_to_admin_menu = True

    @property
    def menu_item_class(self):
        return SatisfactionMenuItem

    def get_urlpatterns(self):
        return [path("", self.construct_view(SatisfactionView), name="index")]


satisfaction_viewset = SatisfactionViewSet()


def url() -> str:
    return reverse(f"{URL_NAMESPACE}:index")
