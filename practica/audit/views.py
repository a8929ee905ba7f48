import csv

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from practica.audit.forms import AuditFilterForm
from practica.audit.selectors import list_entries
from practica.tenancy.access import clinic_view, get_actor
from practica.tenancy.permissions import AUDIT_VIEW
from practica.tenancy.selectors import list_members

CSV_COLUMNS = [
    "at",
    "user_email",
    "user_id",
    "patient_id",
    "object_type",
    "object_id",
    "action",
    "outcome",
    "ip",
    "user_agent",
    "detail",
    "seq",
    "hash",
]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _filtered(request: HttpRequest, form: AuditFilterForm):  # type: ignore[no-untyped-def]
    data = form.cleaned_data if form.is_valid() else {}
    return list_entries(
        actor=get_actor(request),
        patient_id=data.get("patient"),
        user_id=data.get("user"),
        start_on=data.get("start_on"),
        end_on=data.get("end_on"),
    )


def _members(request: HttpRequest) -> list[tuple[int, str]]:
    return [
        (m.user_id, f"{m.user.full_name} ({m.user.email})")
        for m in list_members(actor=get_actor(request))
    ]


@require_GET
@clinic_view(AUDIT_VIEW)
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None, members=_members(request))
    entries = _filtered(request, form)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    status = 422 if form.is_bound and not form.is_valid() else 200
    return render(request, "audit/audit_list.html", context, status=status)


@require_GET
@clinic_view(AUDIT_VIEW)
def audit_export(request: HttpRequest) -> HttpResponseBase:
    form = AuditFilterForm(request.GET or None, members=_members(request))
    if form.is_bound and not form.is_valid():
        return HttpResponse(
            "; ".join(
                f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items()
            ),
            status=400,
            content_type="text/plain",
        )
    entries = _filtered(request, form).values_list(*CSV_COLUMNS)
    writer = csv.writer(_Echo())

    def rows():  # type: ignore[no-untyped-def]
        yield writer.writerow(CSV_COLUMNS)
        for row in entries.iterator(chunk_size=2000):
            yield writer.writerow(row)

    response = StreamingHttpResponse(rows(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="audit.csv"'
    return response
