from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership


@access.partnership_view(access.TRAINING_ADMIN_ROLES)
def imports(request: HttpRequest, membership: Membership) -> HttpResponse:
    page = Paginator(access.imports_for(membership).select_related("user"), 50).get_page(request.GET.get("page"))
    return render(request, "imports/imports.html", {"page": page})
