from django.http import Http404
from django.shortcuts import render


def home(request):
    return render(request, "issues/home.html")


def issue_detail(request, date):
    raise Http404


def shared_issue(request, token):
    raise Http404
