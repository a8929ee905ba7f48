"""The procedure code pages: the list with its search, loading a file (and a
refused file changing nothing), the pickers' search, roles and clinics."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from practica.audit.models import AuditEntry
from practica.billing.code_files import MAX_FILE_BYTES
from practica.billing.models import ProcedureCode, ProcedureCodeLoad
from practica.billing.tests.factories import ProcedureCodeFactory, load_codes
from practica.tenancy.models import Clinic, Membership
from practica.tenancy.permissions import ADMIN, BILLING, OWNER, PROVIDER

pytestmark = pytest.mark.django_db

ClientFor = Callable[[Membership], Client]
MemberFactory = Callable[..., Membership]
LIST_URL = reverse("billing:procedure-code-list")
LOAD_URL = reverse("billing:procedure-code-load")
SEARCH_URL = reverse("billing:procedure-code-search")
GOOD = (
    "code,description\n"
    "PT-IA,Physiotherapy initial assessment\n"
    "PT-FU,Physiotherapy follow-up\n"
    "MT-60,Massage therapy 60 min\n"
)


def _upload(text: str | bytes, name: str = "codes.csv") -> SimpleUploadedFile:
    data = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


def _results(html: str) -> str:
    """The code table of the page, without the load form's example."""
    return html.split('id="code-results"', 1)[1]


def _client(
    clinic: Clinic, role: str, member_factory: MemberFactory, client_for: ClientFor
) -> Client:
    return client_for(member_factory(clinic, [role]))


@pytest.mark.parametrize("role", [OWNER, ADMIN])
def test_an_owner_or_admin_loads_a_file_and_sees_the_summary(
    role: str, clinic: Clinic, member_factory: MemberFactory, client_for: ClientFor
) -> None:
    # given
    client = _client(clinic, role, member_factory, client_for)
    # when
    response = client.post(
        LOAD_URL,
        {"system": "local", "mode": "add", "file": _upload(GOOD)},
        follow=True,
    )
    # then the list shows the codes and what the load did
    assert response.redirect_chain == [(f"{LIST_URL}?system=local", 302)]
    html = response.content.decode()
    assert (
        "Loaded codes.csv (Provincial or local fee code, 3 rows): 3 added, "
        "0 updated, 0 unchanged."
    ) in html
    assert "PT-IA" in html
    assert "Massage therapy 60 min" in html
    assert ProcedureCode.objects.filter(clinic=clinic).count() == 3
    assert AuditEntry.objects.filter(clinic_id=clinic.pk, action="load").count() == 1


def test_replacing_reports_the_codes_made_inactive(
    clinic: Clinic, member_factory: MemberFactory, client_for: ClientFor
) -> None:
    # given a loaded list
    load_codes(clinic, GOOD)
    client = _client(clinic, OWNER, member_factory, client_for)
    # when a one-code file replaces it
    response = client.post(
        LOAD_URL,
        {
            "system": "local",
            "mode": "replace",
            "file": _upload("code,description\nPT-IA,Initial\n", "new.csv"),
        },
        follow=True,
    )
    # then
    assert (
        "new.csv (Provincial or local fee code, 1 row): 0 added, 1 updated, "
        "0 unchanged, 2 made inactive." in response.content.decode()
    )
    assert ProcedureCode.objects.filter(clinic=clinic, is_active=False).count() == 2


def test_a_bad_file_is_refused_row_by_row_and_changes_nothing(
    clinic: Clinic, member_factory: MemberFactory, client_for: ClientFor
) -> None:
    # given a loaded list
    load_codes(clinic, GOOD)
    client = _client(clinic, OWNER, member_factory, client_for)
    # when a replacement has a duplicate and an empty description
    response = client.post(
        LOAD_URL,
        {
            "system": "local",
            "mode": "replace",
            "file": _upload(
                "code,description\nPT-IA,New wording\nPT-IA,Again\nMT-90,\n"
            ),
        },
    )
    # then each problem is named and nothing changed
    assert response.status_code == 422
    html = response.content.decode()
    assert "Nothing was loaded: the file has 2 problems." in html
    assert "<li>Row 3, code: PT-IA is also on row 2.</li>" in html
    assert "<li>Row 4, description: is empty.</li>" in html
    assert ProcedureCode.objects.get(clinic=clinic, code="PT-IA").short_description == (
        "Physiotherapy initial assessment"
    )
    assert ProcedureCode.objects.filter(clinic=clinic, is_active=True).count() == 3
    assert ProcedureCodeLoad.objects.filter(clinic=clinic).count() == 1


def test_file_content_is_escaped_in_the_problems(
    clinic: Clinic, member_factory: MemberFactory, client_for: ClientFor
) -> None:
    client = _client(clinic, OWNER, member_factory, client_for)
    response = client.post(
        LOAD_URL,
        {"system": "cpt", "mode": "add", "file": _upload("<b>code,description\n")},
    )
    assert response.status_code == 422
    assert "&#x27;&lt;b&gt;code&#x27;" in response.content.decode()
    assert "<b>code" not in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"system": "local", "mode": "add"}, "CSV file: Choose a CSV file."),
        (
            {"system": "", "mode": "add", "file": GOOD},
            "Code system: Choose the code system of the file.",
        ),
        (
            {"system": "icd10", "mode": "add", "file": GOOD},
            "Code system: Select a valid choice.",
        ),
        (
            {"system": "local", "mode": "merge", "file": GOOD},
            "How to load: Select a valid choice.",
        ),
        (
            {"system": "local", "mode": "add", "file": b"x" * (MAX_FILE_BYTES + 1)},
            "CSV file: The file is larger than 2 MB.",
        ),
    ],
)
def test_a_bad_form_is_refused_naming_the_field(
    data: dict[str, str | bytes],
    message: str,
    clinic: Clinic,
    member_factory: MemberFactory,
    client_for: ClientFor,
) -> None:
    # given
    client = _client(clinic, OWNER, member_factory, client_for)
    if "file" in data:
        data = {**data, "file": _upload(data["file"])}  # type: ignore[dict-item]  # the upload rides in the form data
    # when
    response = client.post(LOAD_URL, data)
    # then
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not ProcedureCode.objects.filter(clinic=clinic).exists()


@pytest.mark.parametrize("role", [BILLING])
def test_billing_staff_read_the_list_but_cannot_load(
    role: str, clinic: Clinic, member_factory: MemberFactory, client_for: ClientFor
) -> None:
    # given
    load_codes(clinic, GOOD)
    client = _client(clinic, role, member_factory, client_for)
    # when
    page = client.get(LIST_URL)
    refused = client.post(
        LOAD_URL, {"system": "local", "mode": "replace", "file": _upload(GOOD)}
    )
    # then
    assert page.status_code == 200
    assert "PT-IA" in page.content.decode()
    assert "Load a code file" not in page.content.decode()
    assert refused.status_code == 403
    assert ProcedureCodeLoad.objects.filter(clinic=clinic).count() == 1


def test_a_provider_has_no_access(
    clinic: Clinic, member_factory: MemberFactory, client_for: ClientFor
) -> None:
    client = _client(clinic, PROVIDER, member_factory, client_for)
    assert client.get(LIST_URL).status_code == 403
    assert client.get(SEARCH_URL, {"q": "pt"}).status_code == 403


def test_the_page_carries_the_licence_note(
    clinic: Clinic, member_factory: MemberFactory, client_for: ClientFor
) -> None:
    client = _client(clinic, OWNER, member_factory, client_for)
    html = client.get(LIST_URL).content.decode()
    assert "Practica ships no procedure codes" in html
    assert "copyright the American Medical Association" in html
    assert "stays private to this clinic" in html


def test_the_list_searches_by_code_or_words_and_shows_only_this_clinic(
    clinic: Clinic,
    other_clinic: Clinic,
    member_factory: MemberFactory,
    client_for: ClientFor,
) -> None:
    # given both clinics have codes
    load_codes(clinic, GOOD)
    load_codes(other_clinic, "code,description\nPT-XX,Other clinic physio\n")
    client = _client(clinic, OWNER, member_factory, client_for)
    # when
    by_code = _results(client.get(LIST_URL, {"q": "pt-i"}).content.decode())
    by_words = _results(client.get(LIST_URL, {"q": "physio FOLLOW"}).content.decode())
    everything = _results(client.get(LIST_URL).content.decode())
    # then
    assert "PT-IA" in by_code
    assert "PT-FU" not in by_code
    assert "PT-FU" in by_words
    assert "PT-IA" not in by_words
    assert "PT-XX" not in everything
    assert "Other clinic physio" not in everything
    assert "3 codes" in everything


def test_the_list_filters_by_status_and_system(
    clinic: Clinic, member_factory: MemberFactory, client_for: ClientFor
) -> None:
    # given one inactive local code and one HCPCS code
    load_codes(clinic, GOOD)
    load_codes(clinic, "code,description\nPT-IA,Initial\nPT-FU,Follow\n", replace=True)
    load_codes(clinic, "code,description\nG0283,Stimulation\n", system="hcpcs")
    client = _client(clinic, OWNER, member_factory, client_for)
    # when
    inactive = _results(client.get(LIST_URL, {"status": "inactive"}).content.decode())
    hcpcs = _results(
        client.get(LIST_URL, {"system": "hcpcs", "status": "all"}).content.decode()
    )
    # then
    assert "MT-60" in inactive
    assert "PT-IA" not in inactive
    assert "G0283" in hcpcs
    assert "PT-IA" not in hcpcs


def test_the_list_refuses_unknown_parameters_naming_them(
    clinic: Clinic, member_factory: MemberFactory, client_for: ClientFor
) -> None:
    client = _client(clinic, OWNER, member_factory, client_for)
    response = client.get(LIST_URL, {"q": "pt", "sort": "code"})
    bad_status = client.get(LIST_URL, {"status": "deleted"})
    assert response.status_code == 422
    assert "Unknown parameter: sort." in response.content.decode()
    assert bad_status.status_code == 422
    assert "status: Select a valid choice." in bad_status.content.decode()


def test_an_htmx_search_returns_only_the_results(
    clinic: Clinic, member_factory: MemberFactory, client_for: ClientFor
) -> None:
    # given
    load_codes(clinic, GOOD)
    client = _client(clinic, OWNER, member_factory, client_for)
    # when
    response = client.get(LIST_URL, {"q": "massage"}, headers={"HX-Request": "true"})
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    assert html.lstrip().startswith('<div id="code-results">')
    assert "MT-60" in html
    assert "<h1>" not in html


def test_the_list_pages_through_many_codes(
    clinic: Clinic, member_factory: MemberFactory, client_for: ClientFor
) -> None:
    # given 60 codes
    ProcedureCodeFactory.create_batch(60, clinic=clinic)
    client = _client(clinic, OWNER, member_factory, client_for)
    # when
    second = client.get(LIST_URL, {"page": "2"}).content.decode()
    # then
    assert "Page 2 of 2 · 60 codes" in second
    assert second.count("<code>LC-") == 10


def _list_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL, {"q": "service"})
    assert response.status_code == 200
    return len(queries)


def test_the_list_query_count_does_not_grow_with_the_list(
    clinic: Clinic, member_factory: MemberFactory, client_for: ClientFor
) -> None:
    # given an owner (who also sees the recent loads)
    client = _client(clinic, OWNER, member_factory, client_for)
    load_codes(clinic, GOOD)
    ProcedureCodeFactory.create_batch(3, clinic=clinic)
    client.get(LIST_URL)  # stamps the session's activity
    few = _list_queries(client)
    # when the list and the load history grow
    ProcedureCodeFactory.create_batch(80, clinic=clinic)
    load_codes(clinic, "code,description\nPT-IA,Reworded\n")
    load_codes(clinic, "code,description\nOT-1,Occupational therapy\n")
    many = _list_queries(client)
    # then
    assert few == many


def test_the_search_answers_options_codes_first_active_only(
    clinic: Clinic,
    other_clinic: Clinic,
    member_factory: MemberFactory,
    client_for: ClientFor,
) -> None:
    # given a code starting with "MT" and a description holding "mt"
    load_codes(
        clinic,
        "code,description\n"
        "PT-MT,Physio with manual therapy (mt)\n"
        "MT-60,Massage therapy 60 min\n"
        "MT-30,Massage therapy 30 min\n",
    )
    load_codes(clinic, "code,description\nMT-30,Massage\n", replace=True)
    load_codes(other_clinic, "code,description\nMT-90,Other clinic massage\n")
    client = _client(clinic, BILLING, member_factory, client_for)
    # when
    response = client.get(SEARCH_URL, {"q": "mt"})
    # then MT-30 only (the others are inactive now); and then by words
    assert response.status_code == 200
    assert response.content.decode().strip() == (
        '<option value="MT-30">MT-30 Massage</option>'
    )
    load_codes(clinic, "code,description\nPT-MT,Physio (mt)\nMT-60,Massage 60\n")
    options = client.get(SEARCH_URL, {"q": "mt", "system": "local"}).content.decode()
    assert [line.split('"')[1] for line in options.strip().splitlines()] == [
        "MT-30",
        "MT-60",
        "PT-MT",
    ]


def test_the_search_limits_and_refuses_bad_parameters(
    clinic: Clinic, member_factory: MemberFactory, client_for: ClientFor
) -> None:
    # given
    ProcedureCodeFactory.create_batch(30, clinic=clinic)
    client = _client(clinic, OWNER, member_factory, client_for)
    # when
    limited = client.get(SEARCH_URL, {"q": "LC", "limit": "5"})
    empty = client.get(SEARCH_URL, {"q": " "})
    unknown = client.get(SEARCH_URL, {"q": "LC", "patient": "1"})
    too_many = client.get(SEARCH_URL, {"q": "LC", "limit": "51"})
    bad_system = client.get(SEARCH_URL, {"q": "LC", "system": "icd10"})
    # then
    assert limited.content.decode().count("<option") == 5
    assert empty.content.decode().strip() == ""
    assert unknown.status_code == 422
    assert "Unknown parameter: patient." in unknown.content.decode()
    assert too_many.status_code == 422
    assert "limit: Use 1 to 50." in too_many.content.decode()
    assert bad_system.status_code == 422
    assert "system: Use cpt, hcpcs or local." in bad_system.content.decode()


def _search_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SEARCH_URL, {"q": "LC"})
    assert response.status_code == 200
    return len(queries)


def test_the_search_query_count_does_not_grow_with_the_list(
    clinic: Clinic, member_factory: MemberFactory, client_for: ClientFor
) -> None:
    client = _client(clinic, OWNER, member_factory, client_for)
    ProcedureCodeFactory.create_batch(2, clinic=clinic)
    client.get(LIST_URL)  # stamps the session's activity
    few = _search_queries(client)
    ProcedureCodeFactory.create_batch(60, clinic=clinic)
    many = _search_queries(client)
    assert few == many


def test_loading_costs_the_same_queries_for_ten_or_a_thousand_codes(
    clinic: Clinic, member_factory: MemberFactory, client_for: ClientFor
) -> None:
    # given
    client = _client(clinic, OWNER, member_factory, client_for)
    client.get(LIST_URL)  # stamps the session's activity

    def post(system: str, count: int) -> int:
        rows = "".join(f"{n:04d}T,Service {n}\n" for n in range(count))
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                LOAD_URL,
                {
                    "system": system,
                    "mode": "add",
                    "file": _upload(f"code,description\n{rows}"),
                },
            )
        assert response.status_code == 302
        return len(queries)

    post("cpt", 10)  # the clinic's first audit entry starts its chain
    ProcedureCode.objects.filter(clinic=clinic).delete()
    # when
    small = post("cpt", 10)
    ProcedureCode.objects.filter(clinic=clinic).delete()
    # then a list 100 times larger costs only its extra insert batches (500
    # rows on PostgreSQL, fewer under SQLite's parameter limit), not a query
    # per row
    large = post("cpt", 1000)
    assert 0 < large - small < 15
