from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "banzi.assessment"
    label = "assessment"
    verbose_name = _("Assessment")

    def ready(self):
        from banzi.core import api_routes, demo, navigation
        from banzi.core.roles import STAFF, Role

        from . import (
            consequences,  # noqa: F401  (registers the rule of the results put to use)
            metrics,  # noqa: F401  (registers the assessment's rules with their defaults)
            scores,  # noqa: F401  (registers the indicators' rule)
        )

        api_routes.register("assessment", "banzi.assessment.api_urls")
        staff = set(STAFF)
        navigation.register(
            "assessment", _("Assessment"), 50,
            navigation.MenuItem(_("Assessments"), "assessment:assessment_list", staff),
            navigation.MenuItem(_("Assessees"), "assessment:assessee_list", staff | {Role.CADRE}),
            navigation.MenuItem(_("Assessment groups"), "assessment:assessmentgroup_list", staff),
            navigation.MenuItem(_("Quota approvals"), "assessment:quotaapproval_list", staff),
            navigation.MenuItem(_("Evaluation groups"), "assessment:evaluationgroup_list", staff),
            navigation.MenuItem(_("Awards"), "assessment:award_list", staff | {Role.CADRE}),
            navigation.MenuItem(_("Promotion priority"), "assessment:priority_list", {Role.COUNTY_ADMIN}),
            navigation.MenuItem(_("Consequences"), "assessment:consequence_list", staff | {Role.CADRE}),
        )
        demo.register(90)(load_assessment_demo)


def load_assessment_demo():
    """Demo assessment loaded:"""
    from .demo import load_assessment_demo as load

    return load()
