"""Admin menus for administrative procedures: the province catalogue and each commune's own list."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .admin_views import CommuneProcedureViewSet, catalogue_viewset
from .models import CommuneProcedure


@hooks.register("register_admin_viewset")
def register_catalogue_viewset():
    return catalogue_viewset


register_snippet(CommuneProcedure, viewset=CommuneProcedureViewSet)
