"""The rules under /api/v1/core/rules/, as on the rules page: every signed-in user reads them and
their history; the county organization department changes them through `save_rule`, so a value is
refused with the same message, and a change is kept in the rule's history and the audit trail, as
a change made on the page is."""
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError
from rest_framework.response import Response

from . import rules
from .audit import HISTORY_ACTIONS
from .models import Rule
from .rule_services import TEXT_MAX_LENGTH, can_edit_rules, save_rule
from .separation import WithinDuties


class RuleChoiceSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class RuleSettingSerializer(serializers.Serializer):
    name = serializers.CharField(help_text=_("The setting's name: the key to send when changing the rule."))
    label = serializers.CharField()
    type = serializers.ChoiceField(choices=rules.SETTING_TYPES)
    default = serializers.JSONField()
    value = serializers.JSONField(help_text=_("The value in force: the county's own, or else the default."))
    changed = serializers.BooleanField(help_text=_("Whether the county's value differs from the default."))
    choices = RuleChoiceSerializer(many=True, allow_null=True, help_text=_("The values allowed, if the setting has a list."))


class RuleSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    values = serializers.DictField(child=serializers.JSONField(), help_text=_("Each setting's value in force."))
    settings = RuleSettingSerializer(many=True)
    note = serializers.CharField(help_text=_("The county's note on its values, e.g. the document that set them."))


class RuleVersionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="history_id")
    time = serializers.DateTimeField(source="history_date")
    username = serializers.CharField(source="history_user.username", default="")
    action = serializers.SerializerMethodField()
    values = serializers.JSONField(source="value", help_text=_("The values the county set (the others are defaults)."))
    note = serializers.CharField()

    @extend_schema_field(serializers.ChoiceField(choices=list(HISTORY_ACTIONS.values())))
    def get_action(self, record):
        return HISTORY_ACTIONS[record.history_type]


def rule_data(key, label, defaults, current, note):
    """A rule as the API shows it."""
    settings = []
    for name, default in defaults.items():
        options = rules.field_choices(key, name)
        settings.append({
            "name": name, "label": rules.field_label(key, name), "type": rules.setting_type(default), "default": default,
            "value": current[name], "changed": current[name] != default,
            "choices": None if options is None else [{"value": v, "label": text} for v, text in options],
        })
    return {"key": key, "label": label or key, "values": current, "settings": settings, "note": note}


class CanEditRules(permissions.BasePermission):
    """Everyone signed in reads the rules; only the county organization department changes them."""

    message = _("Only the county organization department may change the rules.")

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or can_edit_rules(request.user)


KEY = OpenApiParameter("key", str, OpenApiParameter.PATH, description=_("The rule's key, e.g. tasks.13710."))

RULE_CHANGE = {
    "type": "object",
    "description": _("The settings to change, by name, with values of the setting's type; `note` (optional) "
                     "replaces the county's note. With PUT a setting left out returns to its default; with "
                     "PATCH it keeps its value."),
    "properties": {"note": {"type": "string", "maxLength": TEXT_MAX_LENGTH}},
    "additionalProperties": {"anyOf": [{"type": "number"}, {"type": "boolean"}, {"type": "string"}]},
}
CHANGE_EXAMPLE = OpenApiExample("13710 in working days", request_only=True,
                                value={"deploy_days": 2, "day_mode": "working", "note": "县委组织部 2027 年通知"})
REFUSED = {
    400: OpenApiResponse(description=_("A value is refused: the error names the setting.")),
    403: OpenApiResponse(description=_("Only the county organization department may change the rules.")),
    404: OpenApiResponse(description=_("No rule has this key.")),
}


class RuleViewSet(viewsets.GenericViewSet):
    """The configurable rules (frequencies, quorums, time limits): each with its defaults and the
    county's values."""

    permission_classes = [permissions.IsAuthenticated, WithinDuties, CanEditRules]
    queryset = Rule.objects.all()
    serializer_class = RuleSerializer
    lookup_field = "key"
    lookup_value_regex = r"[^/]+"
    filter_backends = []

    def get_rule(self, key):
        registered = rules.registered()
        if key not in registered:
            raise Http404
        return registered[key]

    def rule_response(self, key):
        label, defaults = self.get_rule(key)
        note = Rule.objects.filter(key=key).values_list("note", flat=True).first() or ""
        return Response(RuleSerializer(rule_data(key, label, defaults, rules.get(key), note)).data)

    @extend_schema(operation_id="core_rules_list", responses=RuleSerializer(many=True))
    def list(self, request):
        """Every registered rule with its defaults and the county's values, by key."""
        values = rules.current_values()
        notes = dict(Rule.objects.values_list("key", "note"))
        data = [rule_data(key, label, defaults, values[key], notes.get(key, ""))
                for key, (label, defaults) in rules.registered().items()]
        return self.get_paginated_response(RuleSerializer(self.paginate_queryset(data), many=True).data)

    @extend_schema(operation_id="core_rules_retrieve", parameters=[KEY], responses=RuleSerializer)
    def retrieve(self, request, key):
        """A rule's defaults and the county's values."""
        return self.rule_response(key)

    @extend_schema(operation_id="core_rules_update", parameters=[KEY], request={"application/json": RULE_CHANGE},
                   examples=[CHANGE_EXAMPLE], responses={200: RuleSerializer, **REFUSED})
    def update(self, request, key):
        """Set the county's values of a rule (county organization department only)."""
        return self.change(request, key, partial=False)

    @extend_schema(operation_id="core_rules_partial_update", parameters=[KEY],
                   request={"application/json": RULE_CHANGE}, examples=[CHANGE_EXAMPLE],
                   responses={200: RuleSerializer, **REFUSED})
    def partial_update(self, request, key):
        """Change some of the county's values of a rule (county organization department only)."""
        return self.change(request, key, partial=True)

    def change(self, request, key, *, partial):
        self.get_rule(key)
        if not isinstance(request.data, dict):
            raise ParseError(_("Send an object of settings and values."))
        values = {name: value for name, value in request.data.items() if name != "note"}
        if partial:
            values = {**rules.get(key), **values}
        note = request.data.get("note")
        save_rule(request.user, key, values, note=None if note is None else str(note))
        return self.rule_response(key)

    @extend_schema(operation_id="core_rules_history", parameters=[KEY], responses=RuleVersionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, key):
        """Who changed the rule's values, when, and to what; latest first."""
        self.get_rule(key)
        versions = Rule.history.filter(key=key).select_related("history_user").order_by("-history_date", "-history_id")
        page = self.paginate_queryset(versions)
        return self.get_paginated_response(RuleVersionSerializer(page, many=True).data)

