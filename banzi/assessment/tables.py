"""Tables of the assessment lists (also the columns of their Excel exports)."""
import django_tables2 as tables

from banzi.core.tables import BaseTable

from .models import Assessee, Assessment, EvaluationGroup, QuotaApproval


class AssessmentTable(BaseTable):
    title = tables.Column(linkify=True)
    organization = tables.Column()

    class Meta(BaseTable.Meta):
        model = Assessment
        fields = ("title", "kind", "year", "quarter", "starts_on", "ends_on", "organization", "status")


class AssesseeTable(BaseTable):
    name = tables.Column(verbose_name=Assessee._meta.verbose_name, accessor="pk", orderable=False,
                         linkify=lambda record: record.get_absolute_url())
    assessment = tables.Column()
    unit = tables.Column()

    class Meta(BaseTable.Meta):
        model = Assessee
        fields = ("name", "assessment", "unit", "category", "proposed_grade", "confirmed_grade")

    def render_name(self, record):
        return str(record)

    def value_name(self, record):
        return str(record)


class QuotaApprovalTable(BaseTable):
    document_number = tables.Column(linkify=True)
    assessment = tables.Column()
    unit = tables.Column()

    class Meta(BaseTable.Meta):
        model = QuotaApproval
        fields = ("document_number", "assessment", "unit", "approved_on")


class EvaluationGroupTable(BaseTable):
    kind = tables.Column(linkify=True)
    assessment = tables.Column()
    unit = tables.Column()

    class Meta(BaseTable.Meta):
        model = EvaluationGroup
        fields = ("kind", "assessment", "unit", "weight")
