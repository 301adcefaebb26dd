"""The API's shared base: pagination, error format, and a viewset that scopes and writes through
the same services as the UI."""
from django.db import transaction
from rest_framework import serializers, viewsets

from . import services


class ScopedModelViewSet(viewsets.ModelViewSet):
    """A model's API: reads through `visible_to`, writes through the app's services.

    Set `queryset` (with select_related for the serializer), `serializer_class` and
    `filterset_class` (the same FilterSet the UI list uses). `save_service` and `delete_service`
    default to core.services and take (user, instance).
    """

    save_service = staticmethod(services.save_object)
    delete_service = staticmethod(services.delete_object)

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def _save(self, serializer, instance):
        for attr, value in serializer.validated_data.items():
            setattr(instance, attr, value)
        with transaction.atomic():
            self.save_service(self.request.user, instance)
        serializer.instance = instance

    def perform_create(self, serializer):
        self._save(serializer, serializer.Meta.model())

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)

    def perform_destroy(self, instance):
        self.delete_service(self.request.user, instance)


class BaseSerializer(serializers.ModelSerializer):
    """Serializer base: model validation runs in the service, so it is skipped here."""

    def get_unique_together_validators(self):
        return []

    def get_fields(self):
        """Limit every related field's choices to the records the requesting user may see."""
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        for field in fields.values():
            queryset = getattr(field, "queryset", None)
            if user is not None and queryset is not None and hasattr(queryset, "visible_to"):
                field.queryset = queryset.visible_to(user)
        return fields
