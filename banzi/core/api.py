"""The API's shared base: a viewset that reads through `visible_to` and writes through the same
services as the UI, and a serializer whose related fields offer only what the user may see."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions, serializers, viewsets
from rest_framework.validators import UniqueValidator

from . import services
from .scoping import can_write_model


class CanWriteModel(permissions.BasePermission):
    """Reading is open to every signed-in user (within their scope); changing needs a role that may
    write the model at all, so the auditor and cadres get 403 before their input is even read.

    Which records may be changed is still decided by the queryset (404 outside the scope) and by
    the service (403 when a change would leave the scope)."""

    message = _("Your role may only read these records.")

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return can_write_model(request.user, view.get_queryset_model())


class ScopedModelViewSet(viewsets.ModelViewSet):
    """A model's API: reads through `visible_to`, writes through the app's services.

    Set `queryset` (with the select_related the serializer needs, so that a page of 50 rows costs
    as many queries as a page of 5), `serializer_class` and `filterset_class` (the FilterSet the
    UI list uses). `save_service` and `delete_service` default to core.services and take
    (user, instance); they run the model's `clean()` and record the API user in the history.
    """

    permission_classes = [permissions.IsAuthenticated, CanWriteModel]
    save_service = staticmethod(services.save_object)
    delete_service = staticmethod(services.delete_object)

    def get_queryset_model(self):
        return self.queryset.model

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def save_instance(self, serializer, instance):
        """Copy the validated input onto the instance and hand it to the save service.

        The model is cleaned first, as a ModelForm does in the UI, so that values `clean()` derives
        (an organization's township, a normalized ID number) are in place when the service checks
        the user's scope; the service validates again inside its transaction.
        """
        for attr, value in serializer.validated_data.items():
            setattr(instance, attr, value)
        instance.full_clean()
        serializer.instance = self.save_service(self.request.user, instance) or instance

    def perform_create(self, serializer):
        self.save_instance(serializer, serializer.Meta.model())

    def perform_update(self, serializer):
        self.save_instance(serializer, serializer.instance)

    def perform_destroy(self, instance):
        self.delete_service(self.request.user, instance)


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
