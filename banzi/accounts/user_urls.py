"""The account pages of the system and security administrators, and the security policy."""
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/add/", views.UserCreateView.as_view(), name="user_add"),
    path("users/<int:pk>/", views.UserDetailView.as_view(), name="user_detail"),
    path("users/<int:pk>/edit/", views.UserEditView.as_view(), name="user_edit"),
    path("users/<int:pk>/role/", views.UserRoleView.as_view(), name="user_role"),
    path("users/<int:pk>/password/", views.UserPasswordView.as_view(), name="user_password"),
    path("users/<int:pk>/disable/", views.UserActiveView.as_view(active=False), name="user_disable"),
    path("users/<int:pk>/enable/", views.UserActiveView.as_view(active=True), name="user_enable"),
    path("security-policy/", views.SecurityPolicyView.as_view(), name="security_policy"),
]
