from django.urls import path

from curation import views

app_name = "curation"

urlpatterns = [
    path("collect/", views.collect, name="collect"),
    path("duplicates/", views.duplicates_json, name="duplicates"),
    path("prefill/", views.prefill_json, name="prefill"),
    path("inbox/", views.inbox_json, name="inbox"),
    path("pull/", views.pull_json, name="pull"),
    path("wechat/<int:pk>/", views.wechat_copy, name="wechat"),
]
