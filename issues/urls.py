from django.urls import path

from issues import views

app_name = "issues"

urlpatterns = [
    path("", views.home, name="home"),
    path("issues/<str:date>/", views.issue_detail, name="detail"),
    path("shared/<str:token>/", views.shared_issue, name="shared"),
]
