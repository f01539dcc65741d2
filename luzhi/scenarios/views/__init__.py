"""Pages of the scenario app."""

from django.shortcuts import render


def index(request):
    return render(request, "scenarios/index.html", {})
