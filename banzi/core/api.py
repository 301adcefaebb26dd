"""The API's shared base: a viewset that reads through `visible_to` and writes through the same
services as the UI, and a serializer whose related fields offer only what the user may see."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions, serializers, viewsets
from rest_framework.response import Response
from rest_framework.validators import UniqueValidator

from . import audit, services, workflow
from .scoping import can_write_model

# The generic steps of a lifecycle that the viewset's own write actions are.
_GENERIC_STEPS = {"update": "edit", "partial_update": "edit", "destroy": "delete"}


class CanWriteModel(permissions.BasePermission):
    """Reading is open to every signed-in user (within their scope); changing needs a role that may
    write the model at all, so the auditor and cadres get 403 before their input is even read.

    A workflow step (an action declared with `step="…"`) is the model's lifecycle's to decide: the
    user must be among those its table names for that step on that record (a cadre takes the
    steps of their own item, the approver decides a request), whatever their role may otherwise
    change. Edits and deletions of a record whose lifecycle names who may edit or delete it follow
    the table too.

    Which records may be changed is still decided by the queryset (404 outside the scope) and by
    the service (403 when a change would leave the scope, 400 when the state does not allow it)."""

    message = _("Your role may only read these records.")

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        if view.step is not None and _lifecycle_step(view, view.step):
            return True
        return can_write_model(request.user, view.get_queryset_model())

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        name = view.step or _GENERIC_STEPS.get(view.action)
        lifecycle = _lifecycle_step(view, name)
        if lifecycle is not None and not lifecycle.permits(request.user, obj, name):
            raise exceptions.PermissionDenied(lifecycle.denial(obj, name))
        return True


def _lifecycle_step(view, name):
    """The model's lifecycle when it declares the step, else None."""
    lifecycle = workflow.for_model(view.get_queryset_model())
    return lifecycle if lifecycle is not None and name in lifecycle else None


class ScopedModelViewSet(viewsets.ModelViewSet):
    """A model's API: reads through `visible_to`, writes through the app's services.

    Set `queryset` (with the select_related the serializer needs, so that a page of 50 rows costs
    as many queries as a page of 5), `serializer_class` and `filterset_class` (the FilterSet the
    UI list uses). `save_service` and `delete_service` default to core.services and take
    (user, instance); every write runs its one service in its own durable transaction.

    The save service gets the record with the validated input that is stored on it (its own
    fields), and every other input as keyword arguments: many-to-many values (`members=`,
    `topics=`) and input fields that are not on the record at all (a meeting's `members_due`, a
    review's rectification `deadline`), exactly as the page's edit view hands them over. The
    service validates, fills in what it derives (an assignment time of now, a computed date) and
    saves; nothing is checked twice here.

    A workflow step is an action declared with `step="<name of the step in the lifecycle>"`
    (`@action(detail=True, methods=["post"], step="deploy")`) that returns `self.run_step(…)`.
    """

    permission_classes = [permissions.IsAuthenticated, CanWriteModel]
    save_service = staticmethod(services.save_object)
    delete_service = staticmethod(services.delete_object)
    step = None  # set on a step's action by @action(step=…)

    def get_queryset_model(self):
        return self.queryset.model

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def list(self, request, *args, **kwargs):
        """The list; a list of personal data (cadres, talks, violations …) is recorded in the audit
        trail with its filters, one event per request."""
        response = super().list(request, *args, **kwargs)
        data = response.data
        audit.record_list(request, self.get_queryset_model(),
                          data.get("count") if isinstance(data, dict) else len(data))
        return response

    def save_instance(self, serializer, instance):
        """Hand the validated input to the save service: the record's own fields set on it, the rest
        (many-to-many values, input that is not stored on the record) as keyword arguments."""
        stored = {f.name for f in type(instance)._meta.concrete_fields}
        extra = {}
        for name, value in serializer.validated_data.items():
            if name in stored:
                setattr(instance, name, value)
            else:
                extra[name] = value
        saved = services.run(self.save_service, self.request.user, instance, **extra)
        serializer.instance = saved or instance

    def perform_create(self, serializer):
        self.save_instance(serializer, serializer.Meta.model())

    def perform_update(self, serializer):
        self.save_instance(serializer, serializer.instance)

    def perform_destroy(self, instance):
        services.run(self.delete_service, self.request.user, instance)

    def run_step(self, request, service, input_serializer=None, *, result_serializer=None, status=200):
        """Run a workflow step on the record: validate the step's input, run its service
        (`service(user, record, **input)`) in one durable transaction, and answer with the record
        as it now stands, or with what the step made (`result_serializer`, e.g. a new report)."""
        obj = self.get_object()
        params = {}
        if input_serializer is not None:
            data = input_serializer(data=request.data, context=self.get_serializer_context())
            data.is_valid(raise_exception=True)
            params = data.validated_data
        result = services.run(service, request.user, obj, **params)
        if result_serializer is not None:
            many = isinstance(result, list)
            body = result_serializer(result, many=many, context=self.get_serializer_context()).data
        else:
            body = self.get_serializer(self.get_queryset().get(pk=obj.pk)).data
        return Response(body, status=status)


class BaseSerializer(serializers.ModelSerializer):
    """Serializer base for business records.

    Model validation (`clean()`, uniqueness) runs once, in the service, so DRF's own unique
    validators are left out; field validators (ID number checksum, phone) still run here. Every
    related field accepts and offers only records the requesting user may see, so a record cannot
    be attached to another township's organization, cadre or team (400, nothing saved).
    """

    def get_unique_together_validators(self):
        return []

    def get_unique_for_date_validators(self):
        return []

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None:
            return fields
        for field in fields.values():
            field = getattr(field, "child_relation", field)
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "visible_to"):
                field.queryset = queryset.visible_to(user)
        return fields

    def build_standard_field(self, field_name, model_field):
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        # Uniqueness is checked by the model in the service, with the model's own message.
        validators = field_kwargs.get("validators")
        if validators:
            field_kwargs["validators"] = [v for v in validators if not isinstance(v, UniqueValidator)]
        return field_class, field_kwargs


class ScopedFileField(serializers.FileField):
    """A file field whose link is the record's scoped download view, not the storage's /media/ address
    (media is not served: every download goes through `visible_to`)."""

    def __init__(self, url_name, **kwargs):
        self.url_name = url_name
        super().__init__(**kwargs)

    def to_representation(self, value):
        if not value:
            return None
        url = reverse(self.url_name, args=[value.instance.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


def name_of(source):
    """A related record's display text, read-only (e.g. `name_of("cadre.name")`); null when the
    record has no such relation (an optional lecturer, a village's missing parent)."""
    return serializers.CharField(source=source, read_only=True, default=None, allow_null=True)
