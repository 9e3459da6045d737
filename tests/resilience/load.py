"""A bounded load client: logged-in users (one ``requests.Session`` and one thread each) doing a
written request mix with a think time, every request with a timeout, every result recorded.

No asynchronous HTTP client is installed (no httpx, no aiohttp), so users are threads; the GIL is
released while a thread waits on the socket, which is where a user spends its time.

Request mix (weights out of 100), each user choosing at random with its own seeded generator:

    quick_search_json  30  GET /synthese/recherche-rapide/?q=<prefix>   (Ctrl+K overlay, JSON)
    search_html        10  GET /synthese/?q=<prefix>                    (synthèse search screen)
    synthese_tab       35  GET /synthese/<customer>/?onglet=<tab>        (full synthèse page)
    list_page          25  GET one list page the user's role may open   (tiers, ventes, parc)

Prefixes come from the data (the first letters of third parties', contacts' and cities' names);
customers are those the user's role found through quick search during the warm-up, and the
list pages and tabs those its role opened with a 200 during the warm-up (which is not measured).
"""

from __future__ import annotations

import json
import random
import re
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

from crm.demo import DEMO_PASSWORD

REQUEST_TIMEOUT = 30.0
LOGIN_PATH = "/compte/connexion/"
QUICK_SEARCH_PATH = "/synthese/recherche-rapide/"
SEARCH_PATH = "/synthese/"
LIST_PATHS = (
    "/tiers/clients/",
    "/tiers/prospects/",
    "/tiers/contacts/",
    "/ventes/affaires/",
    "/ventes/actions/",
    "/ventes/commandes/",
    "/ventes/factures/",
    "/parc/biens/",
    "/parc/contrats/",
    "/parc/demandes/",
)
TAB_KEYS = ("details", "affaires", "actions", "devis", "ssc", "parc", "dit", "commandes")
MIX = (("quick_search_json", 30), ("search_html", 10), ("synthese_tab", 35), ("list_page", 25))
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class LoadError(AssertionError):
    pass


@dataclass(frozen=True)
class Sample:
    kind: str
    path: str
    started: float  # time.monotonic()
    seconds: float
    status: int | None  # None: no answer (timeout, connection error)
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 400

    @property
    def ended(self) -> float:
        return self.started + self.seconds


def timed_get(session: requests.Session, base_url: str, path: str, *, kind: str, **kwargs) -> Sample:
    started = time.monotonic()
    try:
        response = session.get(base_url + path, timeout=REQUEST_TIMEOUT, allow_redirects=False, **kwargs)
        response.content  # noqa: B018 (read the whole body inside the measured time)
        seconds = time.monotonic() - started
        # A failed answer keeps its page's text: the test checks it is the clean error page.
        error = response.text[:3000] if response.status_code >= 400 else ""
        return Sample(kind, path, started, seconds, response.status_code, error)
    except requests.RequestException as exc:
        return Sample(kind, path, started, time.monotonic() - started, None, type(exc).__name__)


def login(base_url: str, username: str, password: str = DEMO_PASSWORD) -> requests.Session:
    """Log in through the real login form (its CSRF token and cookie); a session, or LoadError."""
    session = requests.Session()
    page = session.get(base_url + LOGIN_PATH, timeout=REQUEST_TIMEOUT)
    token = CSRF_INPUT.search(page.text)
    if page.status_code != 200 or token is None:
        raise LoadError(f"login page of {username}: {page.status_code}")
    response = session.post(
        base_url + LOGIN_PATH,
        data={"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": base_url + LOGIN_PATH},
        timeout=REQUEST_TIMEOUT,
        allow_redirects=False,
    )
    if response.status_code != 302 or LOGIN_PATH in response.headers.get("Location", ""):
        raise LoadError(f"login of {username} refused: {response.status_code}")
    return session


@dataclass
class RoleProfile:
    """What one role (a group of load users with the same rights) may open, found at warm-up."""

    list_paths: list[str] = field(default_factory=list)
    tabs: list[str] = field(default_factory=list)
    customers: list[int] = field(default_factory=list)


def quick_search_customers(session, base_url: str, prefix: str) -> set[int]:
    response = session.get(base_url + QUICK_SEARCH_PATH, params={"q": prefix}, timeout=REQUEST_TIMEOUT)
    if response.status_code != 200:
        raise LoadError(f"quick search {prefix!r}: {response.status_code}")
    return {
        row["customer_id"]
        for group in response.json()["groups"]
        for row in group["results"]
        if row.get("customer_id") and row.get("synthese_url")
    }


def role_profile(
    base_url: str, username: str, prefixes: list[str], *, max_customers: int = 12
) -> RoleProfile:
    """Warm-up of one role: which lists and tabs answer 200, which customers quick search finds."""
    session = login(base_url, username)
    profile = RoleProfile()
    for path in LIST_PATHS:
        if session.get(base_url + path, timeout=REQUEST_TIMEOUT, allow_redirects=False).status_code == 200:
            profile.list_paths.append(path)
    found: set[int] = set()
    for prefix in prefixes:
        found |= quick_search_customers(session, base_url, prefix)
        if len(found) >= max_customers * 2:
            break
    for customer in sorted(found):
        if session.get(f"{base_url}/synthese/{customer}/", timeout=REQUEST_TIMEOUT).status_code == 200:
            profile.customers.append(customer)
        if len(profile.customers) >= max_customers:
            break
    if profile.customers:
        for tab in TAB_KEYS:
            url = f"{base_url}/synthese/{profile.customers[0]}/?onglet={tab}"
            if session.get(url, timeout=REQUEST_TIMEOUT).status_code == 200:
                profile.tabs.append(tab)
    return profile


@dataclass
class LoadUser:
    base_url: str
    session: requests.Session
    profile: RoleProfile
    prefixes: list[str]
    rng: random.Random

    def next_request(self) -> tuple[str, str, dict]:
        kinds = [kind for kind, _weight in MIX]
        weights = [weight for _kind, weight in MIX]
        while True:
            kind = self.rng.choices(kinds, weights)[0]
            if kind == "quick_search_json":
                return kind, QUICK_SEARCH_PATH, {"params": {"q": self.rng.choice(self.prefixes)}}
            if kind == "search_html":
                return kind, SEARCH_PATH, {"params": {"q": self.rng.choice(self.prefixes)}}
            if kind == "synthese_tab" and self.profile.customers and self.profile.tabs:
                customer = self.rng.choice(self.profile.customers)
                return (
                    kind,
                    f"/synthese/{customer}/",
                    {"params": {"onglet": self.rng.choice(self.profile.tabs)}},
                )
            if kind == "list_page" and self.profile.list_paths:
                return kind, self.rng.choice(self.profile.list_paths), {}

    def request(self) -> Sample:
        kind, path, kwargs = self.next_request()
        return timed_get(self.session, self.base_url, path, kind=kind, **kwargs)


def baseline(user: LoadUser, *, per_kind: int = 8) -> list[Sample]:
    """One user alone, no think time: ``per_kind`` requests of each kind of the mix, so the
    loaded figures can be read against the unloaded ones."""
    samples = []
    for kind, _weight in MIX:
        while sum(sample.kind == kind for sample in samples) < per_kind:
            sample = user.request()
            if sample.kind == kind:
                samples.append(sample)
    return samples


def run_users(
    users: list[LoadUser],
    *,
    duration: float,
    think: tuple[float, float],
    on_sample: Callable[[Sample], None] | None = None,
) -> list[Sample]:
    """Every user requests, thinks (uniform in ``think`` seconds), again, until ``duration`` has
    passed since the start; returns every sample. Bounded: no thread outlives ``duration`` plus
    one request timeout."""
    samples: list[Sample] = []
    lock = threading.Lock()
    deadline = time.monotonic() + duration

    def user_loop(user: LoadUser) -> None:
        time.sleep(user.rng.uniform(0, think[1]))  # users do not all start in the same instant
        while time.monotonic() < deadline:
            sample = user.request()
            with lock:
                samples.append(sample)
            if on_sample:
                on_sample(sample)
            time.sleep(min(user.rng.uniform(*think), max(0.0, deadline - time.monotonic())))

    threads = [threading.Thread(target=user_loop, args=(user,), daemon=True) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + REQUEST_TIMEOUT + 30)
    if any(thread.is_alive() for thread in threads):
        raise LoadError("a load user did not finish in time")
    return samples


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (``fraction`` in 0..1) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def summary(samples: list[Sample], *, duration: float) -> dict:
    """Per kind and overall: requests, errors, p50, p95, max (milliseconds), throughput."""

    def figures(group: list[Sample]) -> dict:
        times = [sample.seconds * 1000 for sample in group]
        return {
            "requests": len(group),
            "errors": sum(not sample.ok for sample in group),
            "p50_ms": round(percentile(times, 0.50), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
            "max_ms": round(max(times), 1),
            "mean_ms": round(statistics.fmean(times), 1),
        }

    kinds = sorted({sample.kind for sample in samples})
    result = {kind: figures([s for s in samples if s.kind == kind]) for kind in kinds}
    result["overall"] = figures(samples)
    result["overall"]["requests_per_second"] = round(len(samples) / duration, 1)
    return result


def errors_report(samples: list[Sample], limit: int = 20) -> str:
    bad = [sample for sample in samples if not sample.ok]
    lines = [f"{s.kind} {s.path} -> {s.status or s.error} in {s.seconds:.2f} s" for s in bad[:limit]]
    return f"{len(bad)} failed requests:\n" + "\n".join(lines)


def print_table(title: str, figures: dict) -> None:
    print(f"\n{title}")
    print(f"  {'kind':<20}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for kind, row in figures.items():
        print(
            f"  {kind:<20}{row['requests']:>9}{row['errors']:>8}"
            f"{row['p50_ms']:>9}{row['p95_ms']:>9}{row['max_ms']:>9}"
        )


def dump(path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def post_form(session: requests.Session, base_url: str, *, page: str, action: str, data: dict) -> Sample:
    """POST ``data`` to ``action`` with the CSRF token of the form on ``page`` (not followed)."""
    form = session.get(base_url + page, timeout=REQUEST_TIMEOUT)
    token = CSRF_INPUT.search(form.text)
    if form.status_code != 200 or token is None:
        raise LoadError(f"no form on {page}: {form.status_code}")
    started = time.monotonic()
    try:
        response = session.post(
            base_url + action,
            data={**data, "csrfmiddlewaretoken": token.group(1)},
            headers={"Referer": base_url + page},
            timeout=REQUEST_TIMEOUT,
            allow_redirects=False,
        )
        return Sample("post", action, started, time.monotonic() - started, response.status_code)
    except requests.RequestException as exc:
        return Sample("post", action, started, time.monotonic() - started, None, type(exc).__name__)


def page_text(session: requests.Session, base_url: str, path: str) -> str:
    """The page's HTML with its entities decoded (French apostrophes, guillemets)."""
    import html

    response = session.get(base_url + path, timeout=REQUEST_TIMEOUT)
    return html.unescape(response.text)
