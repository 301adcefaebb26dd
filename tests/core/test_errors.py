"""The catalogue of rule-error codes, and a guard that every rule in banzi/ raises with one of them (read
from the source, so that a new rule without a code fails here before any client sees it)."""
import ast
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from banzi.core.errors import Code, single_errors

ROOT = Path(__file__).resolve().parents[2]


def covered_files():
    """Every module of banzi/ but its migrations (which only copy what the models say)."""
    yield from (p for p in sorted((ROOT / "banzi").rglob("*.py")) if "migrations" not in p.parts)


def _name(node):
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", None)


def _is_error(node):
    return isinstance(node, ast.Call) and _name(node.func) == "ValidationError"


def _is_code(node):
    """`Code.X`: a code from the catalogue, not a string typed in place."""
    return isinstance(node, ast.Attribute) and _name(node.value) == "Code" and node.attr in Code.__members__


def _is_message(node):
    """A message typed in place: a text, `_("…")` or `_("…") % {…}`."""
    if isinstance(node, ast.BinOp):
        node = node.left
    return (isinstance(node, ast.Constant) and isinstance(node.value, str)) or (
        isinstance(node, ast.Call) and _name(node.func) in ("_", "gettext", "gettext_lazy"))


def _into_errors(node):
    """`errors[field] = …`: an error gathered for a ValidationError(errors) raised later."""
    return isinstance(node, ast.Assign) and any(
        isinstance(target, ast.Subscript) and "error" in (_name(target.value) or "") for target in node.targets)


def problems_in(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    # DRF's ValidationError applies a code given beside a dict to every field (Django's drops it).
    drf_names = {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                 and (node.module or "").startswith("rest_framework") for alias in node.names}
    found = []

    def problem(node, text):
        found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text}")

    for node in ast.walk(tree):
        if _is_error(node):
            code = next((k.value for k in node.keywords if k.arg == "code"), None)
            first = node.args[0] if node.args else None
            if code is not None:
                if not _is_code(code):
                    problem(node, "code= takes a Code from banzi.core.errors, not a string")
                drf = _name(node.func) in drf_names or _name(getattr(node.func, "value", None)) == "serializers"
                if isinstance(first, ast.Dict) and not drf:
                    problem(node, "a code beside a {field: ...} dict is lost; put it on the field's ValidationError")
            elif isinstance(first, ast.Dict):
                if not all(_is_error(value) for value in first.values):
                    problem(node, "each field's error is a ValidationError(message, code=Code.X)")
            elif not isinstance(first, ast.Name | ast.List):  # a re-raise of errors gathered elsewhere
                problem(node, "a rule's ValidationError needs code=Code.X")
        elif isinstance(node, ast.Call) and _name(node.func) == "add_error" and len(node.args) == 2:
            if not isinstance(node.args[1], ast.Name) and not _is_error(node.args[1]):
                problem(node, "add_error takes a ValidationError(message, code=Code.X)")
        elif _into_errors(node) and _is_message(node.value):
            problem(node, "a gathered error is a ValidationError(message, code=Code.X), or its code is lost")
        elif isinstance(node, ast.Call) and _name(node.func) in ("UniqueConstraint", "CheckConstraint"):
            keywords = {k.arg for k in node.keywords}
            if "violation_error_message" in keywords and "violation_error_code" not in keywords:
                problem(node, "a constraint with its own message needs violation_error_code")
    return found


def test_every_rule_in_banzi_raises_with_a_catalogue_code():
    problems = [p for path in covered_files() for p in problems_in(path)]
    assert not problems, "\n".join(problems)


def test_the_guard_finds_what_it_should(tmp_path):
    source = tmp_path / "sample.py"
    source.write_text(
        'raise ValidationError(_("no code"))\n'
        'raise ValidationError({"a": _("bare message")})\n'
        'raise ValidationError({"a": ValidationError(_("m"), code=Code.REQUIRED)}, code=Code.REQUIRED)\n'
        'raise ValidationError(_("m"), code="typed_in_place")\n'
        'self.add_error("a", _("bare"))\n'
        'models.UniqueConstraint(fields=["a"], name="n", violation_error_message=_("m"))\n'
        'errors["a"] = _("%(n)s bare") % {"n": 1}\n'
        'raise ValidationError(_("m"), code=Code.REQUIRED)\n'
        'raise ValidationError({"a": ValidationError(_("m"), code=Code.DATE_ORDER)})\n'
        'raise ValidationError(problems)\n'
        'errors["a"] = ValidationError(_("m"), code=Code.REQUIRED)\n'
    )
    global ROOT
    root, ROOT = ROOT, tmp_path
    try:
        lines = sorted(int(p.split(":")[1]) for p in problems_in(source))
    finally:
        ROOT = root
    assert lines == [1, 2, 3, 4, 5, 6, 7]


def test_codes_are_unique_snake_case_and_explained():
    values = [code.value for code in Code]
    assert len(values) == len(set(values))
    for code in Code:
        assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", code.value), code
        assert code.meaning.endswith(".") and len(code.meaning) > 15, code
    assert Code.FUTURE_DATE == "future_date"  # a code compares equal to its string


def test_single_errors_keep_every_code():
    exc = ValidationError({"a": ValidationError("m", code=Code.REQUIRED),
                           "__all__": [ValidationError("n", code=Code.UNIQUE)]})
    assert [(e.code, e.messages) for e in single_errors(exc)] == [(Code.REQUIRED, ["m"]), (Code.UNIQUE, ["n"])]
    assert [e.code for e in single_errors(ValidationError("x", code=Code.PROTECTED))] == [Code.PROTECTED]


@pytest.mark.parametrize("code", list(Code))
def test_each_code_is_raised_somewhere(code):
    """A code in the catalogue that no rule raises is a code nobody can rely on."""
    sources = "".join(path.read_text() for path in covered_files())
    assert f"Code.{code.name}" in sources
