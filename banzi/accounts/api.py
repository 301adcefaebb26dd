"""GET /api/v1/me/: who the signed-in user is, their role, the organizations their role reaches,
and their own cadre record. Read-only: accounts are kept by the system administrator."""
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from banzi.core.roles import COUNTY_WIDE, Role
from banzi.core.separation import WithinDuties
from banzi.org.api import CadreSerializer
from banzi.org.models import Cadre, Organization

COUNTY, TOWNSHIP, OWN, NONE = "county", "township", "own", "none"
SCOPE_LEVELS = [
    (COUNTY, _("Every record in the county")),
    (TOWNSHIP, _("The records of one township and its villages")),
    (OWN, _("Only the user's own records")),
    (NONE, _("No business records")),
]


def role_of(user):
    """The user's role: its code and its name in Chinese and in English (all empty without a role)."""
    role = Role(user.role) if user.role in Role.values else None
    if role is None:
        return {"code": user.role or "", "label": "", "label_zh_hans": "", "label_en": ""}
    names = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            names[language] = str(role.label)
    return {"code": role.value, "label": str(role.label), "label_zh_hans": names["zh-hans"], "label_en": names["en"]}


def own_cadre(user):
    """The user's own cadre record, if they have one."""
    if not user.cadre_id:
        return None
    return Cadre.objects.visible_to(user).select_related("organization").filter(pk=user.cadre_id).first()


def scope_of(user, cadre=None):
    """How far the user's role reaches, and the organizations at its top: the county for the county
    organization department, the township for a township committee, the unit of their
    own cadre record (`cadre`) for a cadre, who sees only their own records."""
    organizations = Organization.objects.visible_to(user).order_by("sort_order", "pk").only("pk", "name", "kind")
    if user.role in COUNTY_WIDE:
        return {"level": COUNTY, "organizations": organizations.filter(kind=Organization.Kind.COUNTY)}
    if user.role == Role.TOWNSHIP_ADMIN and user.township_id:
        return {"level": TOWNSHIP, "organizations": organizations.filter(pk=user.township_id)}
    if user.role == Role.CADRE and cadre is not None:
        return {"level": OWN, "organizations": [cadre.organization]}
    return {"level": NONE, "organizations": []}


class UserRoleSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=Role.choices, allow_blank=True,
                                   help_text=_("Empty for an account that has no role yet (it opens nothing)."))
    label = serializers.CharField(help_text=_("The role's name in the language of the request."))
    label_zh_hans = serializers.CharField()
    label_en = serializers.CharField()


class UserScopeOrganizationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Organization.Kind.choices)


class UserScopeSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=SCOPE_LEVELS)
    organizations = UserScopeOrganizationSerializer(many=True)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    is_superuser = serializers.BooleanField()
    role = UserRoleSerializer()
    scope = UserScopeSerializer()
    cadre = serializers.SerializerMethodField()

    # "nullable" next to a reference means nothing in OpenAPI 3.0; null is one of two shapes instead.
    @extend_schema_field({
        "oneOf": [{"$ref": "#/components/schemas/Cadre"}, {"type": "object", "nullable": True, "enum": [None]}],
        "description": _("The user's own cadre record; null if they have none."),
    })
    def get_cadre(self, data):
        cadre = data["cadre"]
        return None if cadre is None else CadreSerializer(cadre, context=self.context).data


class MeView(APIView):
    permission_classes = [permissions.IsAuthenticated, WithinDuties]

    @extend_schema(operation_id="me_retrieve", responses=MeSerializer)
    def get(self, request):
        """The signed-in user: role, scope (the organizations they see) and their own cadre record."""
        user = request.user
        cadre = own_cadre(user)
        data = {"id": user.pk, "username": user.get_username(), "display_name": user.display_name,
                "is_superuser": user.is_superuser, "role": role_of(user), "scope": scope_of(user, cadre), "cadre": cadre}
        return Response(MeSerializer(data, context={"request": request}).data)
