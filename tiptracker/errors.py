"""Error pages in the service's own style: a person sees what happened, never a traceback."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def _page(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": title}, status=status)
    return render(request, "error.html", {"title": title, "text": text}, status=status)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        404,
        "Page not found",
        "If you typed the web address, check it is correct. If you followed a link, the page may have moved or you may not have access to it.",
    )


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        403,
        "You do not have access to this page",
        "Your role in this partnership does not allow this. Ask your partnership's administrator if you think it should.",
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        500,
        "Sorry, there is a problem with the service",
        "Try again later. Nothing you entered has been saved.",
    )


def busy(request: HttpRequest) -> HttpResponse:
    """SQLite, the embedded database, lets one write happen at a time; a change that waited
    out the busy timeout behind a long import is answered with this, not a server error."""
    response = _page(
        request,
        503,
        "The service is busy: try again in a minute",
        "A large import is being written. Nothing you entered has been saved: "
        "go back and send it again in a minute.",
    )
    response["Retry-After"] = "60"
    return response
