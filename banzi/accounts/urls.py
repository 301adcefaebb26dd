from django.contrib.auth import views as auth_views
from django.urls import path

from .auth_views import PasswordChangeView, SignOutEverywhereView
from .forms import LoginForm

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
         name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", PasswordChangeView.as_view(), name="password_change"),
    path("sign-out-everywhere/", SignOutEverywhereView.as_view(), name="sign_out_everywhere"),
]
