"""Form base: Bootstrap classes, HTML date inputs, and the current user where a form needs it."""
from django import forms


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002 - Django's name
        super().__init__(attrs=attrs, format=format)


class BaseModelForm(forms.ModelForm):
    """Adds Bootstrap classes and date pickers. Set `takes_user = True` to receive `user`, and
    narrow choices to what that user may see in `limit_to_user`."""

    takes_user = False

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(field, forms.DateField) and not isinstance(widget, DateInput):
                field.widget = widget = DateInput()
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")
        if user is not None:
            self.limit_to_user(user)

    def limit_to_user(self, user):
        """Restrict every foreign-key choice to the records the user may see."""
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "visible_to"):
                field.queryset = queryset.visible_to(user)
