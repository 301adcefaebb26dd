from django.contrib.auth import views as auth_views
from django.urls import path

from . import second_factor
from .auth_views import PasswordChangeView, SignOutEverywhereView
from .forms import LoginForm

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
         name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", PasswordChangeView.as_view(), name="password_change"),
    path("sign-out-everywhere/", SignOutEverywhereView.as_view(), name="sign_out_everywhere"),
    # The second factor (after the password, see banzi/accounts/otp.py).
    path("second-factor/", second_factor.manage, name="second_factor"),
    path("second-factor/verify/", second_factor.verify, name="second_factor_verify"),
    path("second-factor/enrol/", second_factor.enrol, name="second_factor_enrol"),
    path("second-factor/replace/", second_factor.reenrol, name="second_factor_reenrol"),
    path("second-factor/recovery-codes/", second_factor.renew_codes, name="second_factor_codes"),
    path("second-factor/reset/<int:pk>/", second_factor.reset, name="second_factor_reset"),
]
