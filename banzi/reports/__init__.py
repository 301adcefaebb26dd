"""The county's year-end report (年度工作总结) on the township teams, drafted from the records.

Every figure in it is a registered report figure (`core.metrics.figure`, registered by each app's
`metrics.py`), computed by aggregate queries over the records of the chosen scope (the county or one
township) and period (a year, a half-year, or since the last election of the teams). The wording
is the county's: a `ReportTemplate` per paragraph, with `{app.figure}` placeholders, editable under
/reports/templates/, and an "empty text" printed instead when none of its figures has a record.

Who sees what: the county organization department reads the county's report and any township's;
a township Party committee only its own township's; cadres none. Only the county edits the
templates (a catalog).
"""
