"""URLs of scheduling: waitlist. Included by scheduling/urls.py."""

from django.urls import URLPattern, path

from practica.scheduling.views import waitlist

urlpatterns: list[URLPattern] = [
    path("waitlist/", waitlist.waitlist_list, name="waitlist-list"),
    path("waitlist/create/", waitlist.waitlist_create, name="waitlist-create"),
    path("waitlist/matches/", waitlist.waitlist_matches, name="waitlist-matches"),
    path(
        "waitlist/<uuid:waitlist_entry_id>/edit/",
        waitlist.waitlist_edit,
        name="waitlist-edit",
    ),
    path(
        "waitlist/<uuid:waitlist_entry_id>/remove/",
        waitlist.waitlist_remove,
        name="waitlist-remove",
    ),
    path(
        "waitlist/<uuid:waitlist_entry_id>/book/",
        waitlist.waitlist_book,
        name="waitlist-book",
    ),
]
