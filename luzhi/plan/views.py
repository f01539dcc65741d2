"""Plan pages (placeholder until the page work lands)."""

from django.http import HttpResponse


def home(request):
    return HttpResponse("LuZhi")
