"""Admin forms as a browser posts them back."""


def posted_back(response) -> dict:
    """The change form's data as the browser would post it back unchanged: inline rows, the hidden
    initial values of rows compared with what was shown, and the term's version (a hidden input
    of the page, not of a form)."""
    data = {}
    if response.context_data.get("edit_version"):
        data["version"] = response.context_data["edit_version"]
    forms = [response.context_data["adminform"].form]
    for inline in response.context_data["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        data[management.add_prefix("TOTAL_FORMS")] = len(formset.initial_forms)  # no new rows
        forms += formset.initial_forms
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            keys = [form.add_prefix(name)] + ([form.add_initial_prefix(name)] if field.show_hidden_initial else [])
            for key in keys:
                if isinstance(value, bool):
                    if value:
                        data[key] = "on"
                elif value is not None:
                    data[key] = [str(v) for v in value] if isinstance(value, list) else value
    return data
