from functools import partial
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.generic import DetailView, ListView

from .cache import cached_page
from .models import ReliefMechanism, Technique


def home(request: HttpRequest) -> HttpResponse:
    def page() -> HttpResponse:
        # Built only when the page is rendered: building the query costs as much as
        # serving the cached page.
        return render(request, "catalog/home.html", {"techniques": Technique.objects.active()})

    return cached_page(request, "home", page)


class TechniqueListView(ListView[Technique]):
    template_name = "catalog/technique_list.html"
    context_object_name = "techniques"

    def get_queryset(self) -> QuerySet[Technique]:
        return Technique.objects.active().with_lengths()

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        page = partial(super().get, request, *args, **kwargs)
        return cached_page(request, "technique_list", page)


class TechniqueDetailView(DetailView[Technique]):
    template_name = "catalog/technique_detail.html"
    context_object_name = "technique"

    def get_queryset(self) -> QuerySet[Technique]:
        # Inactive techniques are 404 here: the public site only offers what is bookable.
        return Technique.objects.active().with_lengths()

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Only a 200 is kept, and every save clears the pages: a technique made inactive
        # is 404 on the next request.
        name = f"technique:{kwargs['slug']}"
        return cached_page(request, name, partial(super().get, request, *args, **kwargs))


def how_massage_helps(request: HttpRequest) -> HttpResponse:
    def page() -> HttpResponse:
        mechanisms = ReliefMechanism.objects.all()
        return render(request, "catalog/how_massage_helps.html", {"mechanisms": mechanisms})

    return cached_page(request, "how_massage_helps", page)
