"""The account pages of the system and security administrators (三员分立), and the security policy.

Both administrators list and open accounts; the system administrator creates them, changes their
names, disables or enables them and resets their passwords; the security administrator changes their
role and scope. Every write is one service of `banzi.accounts.services` (which checks the actor again
and writes the audit trail); everyone else gets 403.
"""
import django_filters
import django_tables2 as tables
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from banzi.core import services as core_services
from banzi.core.filters import BaseFilterSet
from banzi.core.roles import Role, active_role
from banzi.core.tables import BaseTable

from . import otp, services
from .forms import AccountForm, NewAccountForm, NewPasswordFields, RoleForm
from .models import User


class AccountKeeperMixin(LoginRequiredMixin):
    """Open to the system and security administrators; `role` narrows a page to one of them."""

    role = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not services.keeps_accounts(request.user) or (self.role and active_role(request.user) != self.role):
            raise PermissionDenied(_("This is not among the duties of your role."))
        return super().dispatch(request, *args, **kwargs)


class AccountFilterSet(BaseFilterSet):
    search_fields = ("username", "first_name", "last_name", "email")
    role = django_filters.ChoiceFilter(label=gettext_lazy("role"), choices=Role.choices,
                                       empty_label=gettext_lazy("Any role"))
    no_role = django_filters.BooleanFilter(label=gettext_lazy("without a role"), method="filter_no_role")
    is_active = django_filters.BooleanFilter(label=gettext_lazy("active"))

    class Meta:
        model = User
        fields = ["q", "role", "no_role", "is_active", "organization"]

    def filter_no_role(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(role="") if value else queryset.exclude(role="")


class AccountTable(BaseTable):
    username = tables.Column(linkify=("accounts:user_detail", [tables.A("pk")]))
    name = tables.Column(verbose_name=gettext_lazy("Name"), accessor="get_full_name", orderable=False)
    role = tables.Column()
    organization = tables.Column()
    cadre = tables.Column()
    is_active = tables.BooleanColumn()
    last_login = tables.DateTimeColumn(format="Y-m-d H:i")

    class Meta(BaseTable.Meta):
        model = User
        fields = ["username", "name", "role", "organization", "cadre", "is_active", "last_login"]
        empty_text = gettext_lazy("No accounts match. Change the filters.")


class UserListView(AccountKeeperMixin, SingleTableMixin, FilterView):
    """Every account, searchable and filtered by role, state and organization."""

    template_name = "accounts/user_list.html"
    filterset_class = AccountFilterSet
    table_class = AccountTable
    paginate_by = 25
    strict = False

    def get_queryset(self):
        return services.accounts_for(self.request.user).order_by("username")

    def get_table_pagination(self, table):
        return {"per_page": self.paginate_by}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["model_meta"] = User._meta
        ctx["can_add"] = reverse("accounts:user_add") if active_role(self.request.user) == Role.SYSTEM_ADMIN else None
        ctx["filter_active"] = any(v for k, v in self.request.GET.items() if k not in ("page", "sort"))
        return ctx


class AccountMixin(AccountKeeperMixin):
    """A page of one account."""

    def get_account(self):
        return get_object_or_404(services.accounts_for(self.request.user), pk=self.kwargs["pk"])

    def account(self):
        if not hasattr(self, "_account"):
            self._account = self.get_account()
        return self._account


class UserDetailView(AccountMixin, DetailView):
    template_name = "accounts/user_detail.html"
    context_object_name = "account"

    def get_object(self, queryset=None):
        return self.get_account()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        account, role = self.object, active_role(self.request.user)
        editable = services.may_edit_account(self.request.user, account)
        ctx["model_meta"] = User._meta
        ctx["system"] = editable and role == Role.SYSTEM_ADMIN
        ctx["security"] = editable and role == Role.SECURITY_ADMIN
        ctx["second_factor"] = otp.is_enrolled(account)
        return ctx


class ServiceFormView(AccountMixin, FormView):
    """A form whose valid input one account service applies; a refusal is shown on the form."""

    template_name = "accounts/user_form.html"
    heading = ""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = self.heading
        ctx["cancel_url"] = reverse("accounts:user_list")
        ctx["model_meta"] = User._meta
        return ctx

    def form_valid(self, form):
        try:
            account = core_services.run(self.apply, form)
        except ValidationError as exc:
            for field, errors in (exc.error_dict.items() if hasattr(exc, "error_dict") else [(None, exc.error_list)]):
                if field not in form.fields:  # the password rules' errors belong to the password
                    field = "password1" if "password1" in form.fields else None
                for error in errors:
                    form.add_error(field, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(reverse("accounts:user_detail", args=[account.pk]))


class UserCreateView(ServiceFormView):
    role = Role.SYSTEM_ADMIN
    form_class = NewAccountForm
    heading = gettext_lazy("New account")
    success_message = gettext_lazy("The account was created. It opens nothing until the security administrator "
                                   "gives it a role.")

    def get_account(self):
        return None

    def apply(self, form):
        return services.create_account(self.request.user, form.save(commit=False), form.cleaned_data["password1"])


class AccountEditMixin:
    """The account must be one the user may change (not their own, not an administrator's)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and services.keeps_accounts(request.user):
            if not services.may_edit_account(request.user, self.account()):
                raise PermissionDenied(_("An administrator's account, or your own, is not changed here."))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.account()}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["account"] = self.account()
        ctx["cancel_url"] = reverse("accounts:user_detail", args=[self.account().pk])
        return ctx


class UserEditView(AccountEditMixin, ServiceFormView):
    role = Role.SYSTEM_ADMIN
    form_class = AccountForm
    heading = gettext_lazy("Edit account")
    success_message = gettext_lazy("The account was saved.")

    def apply(self, form):
        return services.update_account(self.request.user, form.save(commit=False))


class UserRoleView(AccountEditMixin, ServiceFormView):
    role = Role.SECURITY_ADMIN
    form_class = RoleForm
    heading = gettext_lazy("Role and scope")
    success_message = gettext_lazy("The role and scope were saved.")

    def apply(self, form):
        return services.assign_role(self.request.user, form.save(commit=False))


class UserPasswordView(AccountEditMixin, ServiceFormView):
    role = Role.SYSTEM_ADMIN
    form_class = NewPasswordFields
    heading = gettext_lazy("Reset password")
    success_message = gettext_lazy("The password was reset.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance")
        return kwargs

    def apply(self, form):
        return services.reset_password(self.request.user, self.account(), form.cleaned_data["password1"])


class UserActiveView(AccountEditMixin, AccountMixin, View):
    """POST: disable (`active` = False) or enable the account."""

    role = Role.SYSTEM_ADMIN
    active = False

    def post(self, request, pk):
        core_services.run(services.set_active, request.user, self.account(), self.active)
        messages.success(request, _("The account was enabled.") if self.active else _("The account was disabled."))
        return HttpResponseRedirect(reverse("accounts:user_detail", args=[pk]))


class SecurityPolicyView(AccountKeeperMixin, TemplateView):
    """The security policy in force (sign-in lockout, password rules, sessions), for the security
    administrator. Its values come from the server's settings (the environment)."""

    role = Role.SECURITY_ADMIN
    template_name = "accounts/security_policy.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rows = [
            (_("Failed sign-ins before an account is locked"), getattr(settings, "BANZI_LOGIN_MAX_FAILURES", None)),
            (_("Minutes an account stays locked"), getattr(settings, "BANZI_LOGIN_LOCK_MINUTES", None)),
            (_("Session length (minutes)"), settings.SESSION_COOKIE_AGE // 60),
        ]
        for name, label in (("BANZI_PASSWORD_MAX_AGE_DAYS", _("Days before a password must be changed")),
                            ("BANZI_PASSWORD_HISTORY", _("Earlier passwords that may not be reused")),
                            ("BANZI_SESSION_IDLE_MINUTES", _("Minutes of inactivity before signing out"))):
            if hasattr(settings, name):
                rows.append((label, getattr(settings, name)))
        ctx["rows"] = rows
        # Each password rule as the validator itself words it for the user (in their language).
        ctx["validators"] = password_validators_help_texts()
        return ctx
