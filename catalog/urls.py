from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.home, name="home"),
    path("techniques/", views.TechniqueListView.as_view(), name="technique_list"),
    path(
        "techniques/<slug:slug>/",
        views.TechniqueDetailView.as_view(),
        name="technique_detail",
    ),
    path("how-massage-helps/", views.how_massage_helps, name="how_massage_helps"),
]
