from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tiptracker.imports.access import get_import_for_user, imports_for
from tiptracker.imports.checks import ImportRefused
from tiptracker.imports.forms import ImportForm, sentence
from tiptracker.imports.importing import PROBLEMS_KEPT
from tiptracker.imports.models import ImportRun
from tiptracker.imports.progress import WORKING, import_run_progress
from tiptracker.imports.runs import import_run_confirm, import_run_discard, import_upload
from tiptracker.partnerships import access
from tiptracker.partnerships.models import Membership


@access.partnership_view(access.TRAINING_ADMIN_ROLES)
def imports(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The upload form, and the log of every import in the partnership."""
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            run = import_upload(
                partnership=membership.partnership,
                actor=membership.user,
                kind=form.cleaned_data["kind"],
                filename=upload.name,
                data=upload.read(),
                skip_invalid=form.cleaned_data["skip_invalid"],
            )
        except ImportRefused as refused:
            form.add_error("file", sentence(refused))
        else:
            return redirect("import_detail", membership.partnership.slug, run.pk)
    # The kept files and the previews are large and the log needs none of them.
    runs = (
        imports_for(membership)
        .select_related("user")
        .defer("data", "problems", "warnings", "preview_rows", "message")
    )
    page = Paginator(runs, 50).get_page(request.GET.get("page"))
    return render(request, "imports/imports.html", {"form": form, "page": page})


@access.partnership_view(access.TRAINING_ADMIN_ROLES)
def import_detail(request: HttpRequest, membership: Membership, import_pk: int) -> HttpResponse:
    run = get_import_for_user(membership, import_pk)
    # Each preview row is {"row": number, column: value, ...} in the file's column order.
    columns = [c for c in run.preview_rows[0] if c != "row"] if run.preview_rows else []
    return render(
        request,
        "imports/import_detail.html",
        {
            "run": run,
            "Status": ImportRun.Status,
            "message": sentence(run.message) if run.message else "",
            "working": run.status in WORKING,
            "progress": import_run_progress(run),
            "preview_columns": columns,
            "preview_rows": [
                (r.get("row"), [r.get(c, "") for c in columns]) for r in run.preview_rows
            ],
            "problems_cut": len(run.problems) >= PROBLEMS_KEPT,
        },
    )


@access.partnership_view(access.TRAINING_ADMIN_ROLES)
def import_problems_csv(
    request: HttpRequest, membership: Membership, import_pk: int
) -> HttpResponse:
    """The problems found in a file, to fix it in a spreadsheet (row numbers as in the file)."""
    from tiptracker.lib.exports import to_csv

    run = get_import_for_user(membership, import_pk)
    rows = (
        [p.get("row") or "", p.get("column") or "", p.get("message") or ""] for p in run.problems
    )
    response = HttpResponse(
        to_csv(["row", "column", "problem"], rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-problems.csv"'
    return response


@access.partnership_view(access.TRAINING_ADMIN_ROLES)
def import_progress(request: HttpRequest, membership: Membership, import_pk: int) -> JsonResponse:
    run = get_import_for_user(membership, import_pk)
    return JsonResponse(import_run_progress(run), headers={"Cache-Control": "no-store"})


@access.partnership_view(access.TRAINING_ADMIN_ROLES)
@require_POST  # after the access check, so an outsider learns nothing from a 405
def import_confirm(request: HttpRequest, membership: Membership, import_pk: int) -> HttpResponse:
    run = get_import_for_user(membership, import_pk)
    try:
        run = import_run_confirm(run=run, actor=membership.user)
    except ImportRefused as refused:
        messages.error(request, sentence(refused))
    return redirect("import_detail", membership.partnership.slug, run.pk)


@access.partnership_view(access.TRAINING_ADMIN_ROLES)
@require_POST  # after the access check, so an outsider learns nothing from a 405
def import_discard(request: HttpRequest, membership: Membership, import_pk: int) -> HttpResponse:
    run = get_import_for_user(membership, import_pk)
    try:
        import_run_discard(run=run)
    except ImportRefused as refused:
        messages.error(request, sentence(refused))
    else:
        messages.success(request, f"Discarded {run.filename}: nothing was imported.")
    return redirect("import_detail", membership.partnership.slug, run.pk)
