"""What the fuzz tests call, found from the URL resolver and the permission-matrix registry
(tests/matrix.py): the URLs that may show a form, and how many examples each one gets."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.apps import apps
from django.urls import reverse
from hypothesis import settings

from crm.models import Membership
from tests import matrix
from tests.fuzz.html_forms import ParsedForm, post_forms

# The forms users type the most into: identity (third party), addresses, bank accounts, orders,
# meter readings. They get the profile's full budget (100 in "ci", 1,000 in "resilience").
MAIN_FORMS = (
    "tiers:create",
    "tiers:update",
    "tiers:addresses",
    "tiers:bank_accounts",
    "ventes:order_create",
    "ventes:order_update",
    "parc:reading_create",
)
# Every other form gets 30 examples in "ci" (a tenth of the budget, never fewer than 30): each
# example is one request that renders the page again (0.1 s for a small form, 0.3 to 0.7 s for the
# main ones), and there are about seventy forms. The folder's run time is in tests/fuzz/conftest.py.
OTHER_FORMS_SHARE = 10
OTHER_FORMS_MINIMUM = 30

# URLs that show a form but are not posted to by a person filling fields.
NOT_FUZZED = {
    "synthese:cti_incoming": "the telephony webhook takes JSON: tests/fuzz/test_json_endpoints.py",
}


def examples_for(url_name: str, forms_on_page: int = 1) -> int:
    """Examples per form: a page showing several forms shares its budget among them."""
    budget = settings.default.max_examples
    if url_name not in MAIN_FORMS:
        budget //= OTHER_FORMS_SHARE
    minimum = min(OTHER_FORMS_MINIMUM, settings.default.max_examples)
    return max(minimum, budget // max(1, forms_on_page))


def _may_post(pattern: matrix.Pattern) -> bool:
    """The view may show a form on GET and take it back on POST (a class view defining both)."""
    view = getattr(pattern.callback, "view_class", None)
    if view is None:
        return True  # a function view: the GET tells whether it shows a form
    methods = view.http_method_names
    return "post" in methods and hasattr(view, "post") and "get" in methods and hasattr(view, "get")


def form_candidates() -> list[str]:
    """The URL names of the matrix whose view may accept a POST (class views that define
    ``post``, and function views): the test GETs each and fuzzes the form it shows."""
    registry = matrix.registry()
    names = []
    for pattern in matrix.resolver_patterns():
        if registry.exclusion_for(pattern) is not None or pattern.name not in registry.entries:
            continue
        if pattern.name in NOT_FUZZED or not _may_post(pattern):
            continue
        names.append(pattern.name)
    return sorted(names) + [f"{RECORD}{SECTION_MARK}{key}" for key in _record_sections()]


# The customer record (synthese:record) shows one section per URL, each with its own forms: every
# registered section is a target of its own ("synthese:record/comptabilite").
RECORD = "synthese:record"
SECTION_MARK = "/"


def _record_sections() -> list[str]:
    from synthese.record import SECTIONS

    return sorted(SECTIONS)


def get_patterns(predicate) -> list[str]:
    """The matrix's GET URL names whose pattern passes ``predicate``."""
    registry = matrix.registry()
    return sorted(
        pattern.name
        for pattern in matrix.resolver_patterns()
        if registry.exclusion_for(pattern) is None
        and pattern.name in registry.entries
        and registry.entries[pattern.name].method == "get"
        and predicate(pattern)
    )


@dataclass
class FormTarget:
    url: str  # the page
    forms: list[ParsedForm]  # its POST forms
    status: int

    def post_url(self, form: ParsedForm) -> str:
        """Where ``form`` posts: the page, with the query string of the form's action if any."""
        query = urlsplit(form.action).query
        return f"{self.url.split('?')[0]}?{query}" if query else self.url


def url_for(url_name: str, tenant, other_tenant, user) -> str:
    """The URL of ``url_name`` with the kwargs its matrix entry builds in ``tenant``
    (``synthese:record/<section>``: that section of the customer record)."""
    url_name, _mark, section = url_name.partition(SECTION_MARK)
    entry = matrix.registry().entries[url_name]
    membership = Membership.unscoped.filter(user=user, tenant=tenant).first()
    ctx = matrix.MatrixContext(
        tenant=tenant, other_tenant=other_tenant, actor=membership.role.name, user=user, membership=membership
    )
    kwargs = entry.kwargs(ctx)
    if section:
        kwargs["section"] = section
    return reverse(url_name, kwargs=kwargs)


def form_target(client, url_name: str, tenant, other_tenant, user) -> FormTarget:
    url = url_for(url_name, tenant, other_tenant, user)
    response = client.get(url)
    forms = post_forms(response.content, url.split("?")[0]) if response.status_code == 200 else []
    return FormTarget(url=url, forms=forms, status=response.status_code)


def existing_codes(tenant, limit: int = 10) -> list[str]:
    """Codes already used in ``tenant`` (third parties, articles, contracts...): "duplicate code"
    values for the forms' code fields."""
    from django_scopes import scope

    codes: list[str] = []
    with scope(tenant=tenant):
        for model in apps.get_models():
            names = {f.name for f in model._meta.get_fields()}
            if (
                "code" not in names
                or "tenant" not in names
                or model._meta.app_label not in matrix.PROJECT_APPS
            ):
                continue
            manager = getattr(model, "unscoped", model._default_manager)
            codes += [c for c in manager.filter(tenant=tenant).values_list("code", flat=True)[:limit] if c]
    return sorted(set(codes))
