"""Sessions or JWT? The article's decision tree, read literally, and the course's corrected version.

    answers = Answers(browser_app=True, servers="several", immediate_logout=True)
    recommend(answers)          # Recommendation: approach, reasons, where the article differs
    article_verdict(answers)    # what the article's tree says, read top to bottom
    PRESETS["Microservices"]    # the article's scenarios as ready-made answers (Scenario.answers)
    widget()                    # the same, as ipywidgets controls (renders nothing headless)

``recommend`` is a pure function of the answers, so the lessons and the tests can assert on it.
"""

from __future__ import annotations

import dataclasses
import html
from typing import Literal

from authlab.theme import TOGGLE_STYLE, TOGGLES

__all__ = [
    "APPROACHES",
    "PRESETS",
    "QUESTIONS",
    "Answers",
    "Question",
    "Recommendation",
    "Scenario",
    "article_verdict",
    "article_votes",
    "recommend",
    "widget",
]

SESSIONS = "sessions"
SHARED_SESSIONS = "sessions-shared-store"
JWT = "jwt"
EDGE_SESSIONS_INNER_JWT = "sessions-at-edge-jwt-inside"

APPROACHES = {
    SESSIONS: "Server-side sessions: a random ID in an HttpOnly cookie, the data in the server's store",
    SHARED_SESSIONS: "Server-side sessions in a store every server shares (Redis, a database)",
    JWT: "Short-lived JWT access tokens (minutes, not 24 h), verified by signature",
    EDGE_SESSIONS_INNER_JWT: "Sessions for the browser at the edge; short-lived signed JWTs between your services",
}


@dataclasses.dataclass(frozen=True)
class Answers:
    """Answers to the article's five questions, plus its fourth session scenario (lots of user data)."""

    browser_app: bool = False
    servers: Literal["one", "several"] = "one"
    immediate_logout: bool = False
    mobile_clients: bool = False
    microservices: bool = False
    lots_of_user_data: bool = False
    outside_login: bool = False

    def __post_init__(self):
        if self.servers not in ("one", "several"):
            raise ValueError(f'servers must be "one" or "several", not {self.servers!r}')


@dataclasses.dataclass(frozen=True)
class Question:
    """One field of Answers: how the course asks it, and the article's wording."""

    field: str
    text: str
    article: str


QUESTIONS = tuple(Question(*row) for row in (
    ("browser_app", "Is it a web app whose pages your own server renders (a browser, same site)?",
     "Is this a traditional web app with a server?"),
    ("servers", "One server process, or several behind a load balancer?", "Do you have one server or multiple?"),
    ("immediate_logout", "Must logout, a ban or a permission change take effect at once?",
     "Do you need immediate logout?"),
    ("mobile_clients", "Do native mobile apps call your API?", "Are mobile apps consuming your API?"),
    ("microservices", "Must other services check who the user is without calling the login service?",
     "Do you have microservices?"),
    ("lots_of_user_data", "Does each request need a lot of per-user data (roles, permissions, preferences)?",
     "(session scenario 4) Store lots of user data"),
    ("outside_login", 'Do users sign in with an outside identity provider ("Log in with Google", company SSO)?',
     "(not in the article)"),
))


@dataclasses.dataclass(frozen=True, repr=False)
class Recommendation:
    """What to use, why, and where this differs from the article's tree."""

    approach: str
    reasons: tuple[str, ...]
    article: str
    caveats: tuple[str, ...] = ()
    lessons: tuple[str, ...] = ()
    labs: tuple[str, ...] = ()  # where to build it yourself (labs/)

    @property
    def title(self) -> str:
        return APPROACHES[self.approach]

    @property
    def agrees_with_article(self) -> bool:
        uses_sessions = self.approach in (SESSIONS, SHARED_SESSIONS)
        return (self.article == "Sessions") == uses_sessions and self.approach != EDGE_SESSIONS_INNER_JWT

    def __str__(self) -> str:
        lines = [f"Use: {self.title}", "Because:"]
        lines += [f"  - {reason}" for reason in self.reasons]
        if self.caveats:
            lines.append("Mind:")
            lines += [f"  - {caveat}" for caveat in self.caveats]
        lines.append(f"The article's tree says: {self.article}"
                     + ("" if self.agrees_with_article else " (the course differs, see above)"))
        if self.lessons:
            lines.append("See: " + ", ".join(self.lessons))
        if self.labs:
            lines.append("Build it: " + ", ".join(self.labs))
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        def items(values):
            return "".join(f"<li>{html.escape(value)}</li>" for value in values)

        agree = "agrees" if self.agrees_with_article else "differs: see the reasons"
        parts = [f"<p><b>Use:</b> {html.escape(self.title)}</p>", f"<b>Because:</b><ul>{items(self.reasons)}</ul>"]
        if self.caveats:
            parts.append(f"<b>Mind:</b><ul>{items(self.caveats)}</ul>")
        parts.append(f"<b>The article's tree says:</b> {html.escape(self.article)} <i>({agree})</i>")
        if self.lessons:
            parts.append("<br><b>See:</b> " + ", ".join(f"<code>{html.escape(n)}</code>" for n in self.lessons))
        if self.labs:
            parts.append("<br><b>Build it:</b> " + ", ".join(f"<code>{html.escape(n)}</code>" for n in self.labs))
        return "<div>" + "".join(parts) + "</div>"


# --- the article, read literally --------------------------------------------------------------


def article_votes(answers: Answers) -> dict[str, str]:
    """Each of the article's questions answered on its own: which approach it points to."""
    return {
        "Traditional web app with a server?": "Sessions" if answers.browser_app else "next question",
        "One server or multiple?": "JWT" if answers.servers == "several" else "Sessions",
        "Need immediate logout?": "Sessions" if answers.immediate_logout else "JWT",
        "Mobile apps consuming the API?": "JWT" if answers.mobile_clients else "Sessions",
        "Microservices?": "JWT" if answers.microservices else "Sessions",
    }


def article_verdict(answers: Answers) -> str:
    """The article's tree read top to bottom: the first question that answers decides.

    Its second question answers every case, so questions three to five are never reached.
    """
    if answers.browser_app:
        return "Sessions"
    return "JWT" if answers.servers == "several" else "Sessions"


# --- the course's version --------------------------------------------------------------------

_MOBILE = ("Native apps handle cookies (OkHttp's CookieJar, URLSession's HTTPCookieStorage), or send an opaque "
           "session ID as 'Authorization: Bearer': mobile alone is no reason for JWT (the article's claim is dated)")
_SHORT_JWT = ("Keep access tokens short-lived (5-15 min) and refresh them; the article's 24 h is a day of "
              "irrevocable access if a token leaks")
_DENYLIST = ("Immediate logout with JWT needs server state after all: a denylist of jti values (or very short "
             "tokens plus refresh-token revocation)")
_SHARED_STORE = ("Sessions scale across servers when the store is shared (Redis, a database): one lookup per "
                 "request, measured in 05 and 07; 'sessions don't scale' only holds for an in-process store")
_BIG_CLAIMS = "Lots of per-user data belongs in the server's store: every claim in a JWT rides along on every request"
_CSRF = "The browser sends cookies by itself: use SameSite and, for state-changing requests, a CSRF token"
_OIDC = ("Outside sign-in is OpenID Connect's code flow with PKCE: validate the ID token, then keep the tokens on "
         "your server (a backend-for-frontend) and give the browser a session cookie, not the tokens (see 09)")


def recommend(answers: Answers) -> Recommendation:
    """The course's recommendation for ``answers``, with its reasons and caveats."""
    recommendation = _recommend(answers)
    if not answers.outside_login:
        return recommendation
    return dataclasses.replace(recommendation, reasons=(*recommendation.reasons, _OIDC),
                               lessons=(*recommendation.lessons, "09_oauth_oidc"),
                               labs=(*recommendation.labs, "lab5_oidc_client"))


def _recommend(answers: Answers) -> Recommendation:
    article = article_verdict(answers)
    several = answers.servers == "several"
    mobile = (_MOBILE,) if answers.mobile_clients else ()
    big = (_BIG_CLAIMS,) if answers.lots_of_user_data else ()

    if answers.microservices and answers.browser_app:
        return Recommendation(
            EDGE_SESSIONS_INNER_JWT,
            ("The browser gets an HttpOnly session cookie: instant logout, nothing for scripts to steal",
             "The edge (gateway or backend-for-frontend) swaps the session for a short-lived JWT that each "
             "service verifies with the issuer's public key (RS256, JWKS), without calling it",
             *mobile),
            article,
            (_SHORT_JWT, _CSRF, *big),
            ("03_jwt", "05_scaling_and_revocation"),
            ("lab1_sessions", "lab2_jwt_header"),
        )
    if answers.microservices:
        return Recommendation(
            JWT,
            ("Services verify a signed token with the issuer's public key (RS256, JWKS): no call to the login "
             "service per request",
             *mobile),
            article,
            (_SHORT_JWT, *((_DENYLIST,) if answers.immediate_logout else ()), *big),
            ("03_jwt", "05_scaling_and_revocation", "06_attacks"),
            ("lab2_jwt_header",),
        )
    if several and (answers.browser_app or answers.immediate_logout or answers.lots_of_user_data):
        wants = [reason for flag, reason in (
            (answers.browser_app, "a browser app, where an HttpOnly cookie is the safest place for a credential"),
            (answers.immediate_logout, "logout that takes effect at once: delete the entry and the next request fails"),
            (answers.lots_of_user_data, "lots of per-user data, which stays on the server instead of on the wire"),
        ) if flag]
        return Recommendation(
            SHARED_SESSIONS,
            (f"You want {' and '.join(wants)}", _SHARED_STORE, *mobile),
            article,
            (_CSRF,) if answers.browser_app else (),
            ("04_stateful_vs_stateless", "05_scaling_and_revocation", "07_measure"),
            ("lab1_sessions", "lab4_compare"),
        )
    if several:
        return Recommendation(
            JWT,
            ("Several servers verify the token with the same key and no shared store",
             "Nothing needs revoking at once, so the token's lifetime is an acceptable bound", *mobile),
            article,
            (_SHORT_JWT, "Sessions with a shared store would work as well; pick the one your team runs best"),
            ("03_jwt", "05_scaling_and_revocation"),
            ("lab2_jwt_header",),
        )
    reasons = ["One server: the session store is a dict or a table next to the app, nothing to distribute"]
    if answers.immediate_logout:
        reasons.append("Logout takes effect at once: delete the session and the next request gets 401 (see 04)")
    if answers.lots_of_user_data:
        reasons.append(_BIG_CLAIMS)
    if not answers.browser_app and not answers.mobile_clients:
        reasons.append("An API client can send the session ID in a header as easily as a JWT")
    return Recommendation(
        SESSIONS,
        (*reasons, *mobile),
        article,
        ((_CSRF,) if answers.browser_app else ())
        + (() if answers.immediate_logout else ("JWT would work too; what you give up is instant revocation",)),
        ("01_sessions", "02_cookies", "04_stateful_vs_stateless"),
        ("lab1_sessions",),
    )


# --- the article's scenarios --------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Scenario:
    """A ready-made set of answers; ``article_section`` is where the article lists it (None: the course's own)."""

    answers: Answers
    article_section: str | None = None


PRESETS: dict[str, Scenario] = {
    # the article's "When to use sessions"
    "Web app with server-rendered HTML": Scenario(Answers(browser_app=True), "Sessions"),
    "You need immediate logout": Scenario(Answers(browser_app=True, immediate_logout=True), "Sessions"),
    "One server, one database": Scenario(Answers(), "Sessions"),
    "Store lots of user data": Scenario(Answers(browser_app=True, lots_of_user_data=True), "Sessions"),
    # the article's "When to use JWT"
    "Mobile app": Scenario(Answers(mobile_clients=True), "JWT"),
    "Multiple clients use the same API": Scenario(Answers(mobile_clients=True), "JWT"),
    "Microservices": Scenario(Answers(microservices=True, servers="several"), "JWT"),
    "Multiple independent servers": Scenario(Answers(servers="several"), "JWT"),
    # the course's: where the article's advice pulls two ways
    "Server-rendered shop on three servers": Scenario(Answers(browser_app=True, servers="several",
                                                              immediate_logout=True)),
    "Web app in front of microservices": Scenario(Answers(browser_app=True, servers="several", microservices=True)),
    '"Log in with Google" on a server-rendered app': Scenario(Answers(browser_app=True, outside_login=True)),
}


# --- the widget ------------------------------------------------------------------------------------


def widget(initial: Answers | None = None):
    """Questions as toggle buttons, presets as a dropdown, the recommendation below; returns a VBox."""
    import ipywidgets as w

    initial = initial or Answers()
    controls = {}
    for question in QUESTIONS:
        options = ([("one", "one"), ("several", "several")] if question.field == "servers"
                   else [("no", False), ("yes", True)])
        controls[question.field] = w.ToggleButtons(options=options, value=getattr(initial, question.field),
                                                   style={"button_width": "80px"})
    presets = w.Dropdown(options=[("(choose a scenario)", None), *[(name, name) for name in PRESETS]],
                         description="Scenario:", layout=w.Layout(width="420px"))
    result = w.HTML()

    def update(_=None):
        answers = Answers(**{field: control.value for field, control in controls.items()})
        result.value = recommend(answers)._repr_html_()

    def apply_preset(change):
        if change["new"] is None:
            return
        answers = PRESETS[change["new"]].answers
        for field, control in controls.items():
            control.value = getattr(answers, field)
        update()

    for control in controls.values():
        control.observe(update, names="value")
    presets.observe(apply_preset, names="value")
    update()
    rows = [w.VBox([w.HTML(f"<b>{html.escape(q.text)}</b>"), controls[q.field]]) for q in QUESTIONS]
    box = w.VBox([w.HTML(TOGGLE_STYLE), presets, *rows, w.HTML("<hr>"), result])
    box.add_class(TOGGLES)
    return box

