from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.generic import DetailView, ListView

from .models import ReliefMechanism, Technique


def home(request: HttpRequest) -> HttpResponse:
    techniques = Technique.objects.active()
    return render(request, "catalog/home.html", {"techniques": techniques})


class TechniqueListView(ListView):
    template_name = "catalog/technique_list.html"
    context_object_name = "techniques"

    def get_queryset(self):
        return Technique.objects.active().with_lengths()


class TechniqueDetailView(DetailView):
    template_name = "catalog/technique_detail.html"
    context_object_name = "technique"

    def get_queryset(self):
        # Inactive techniques are 404 here: the public site only offers what is bookable.
        return Technique.objects.active().with_lengths()


def how_massage_helps(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "catalog/how_massage_helps.html",
        {"mechanisms": ReliefMechanism.objects.all()},
    )
