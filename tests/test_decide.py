"""The decision tree: the article read literally, the course's recommendation, presets and widget."""

import dataclasses
import itertools
from pathlib import Path

import pytest

from authlab.decide import (
    APPROACHES,
    PRESETS,
    QUESTIONS,
    Answers,
    article_verdict,
    article_votes,
    recommend,
    widget,
)

ALL_ANSWERS = [
    Answers(browser_app=b, servers=s, immediate_logout=i, mobile_clients=m, microservices=ms, lots_of_user_data=d)
    for b, s, i, m, ms, d in itertools.product(
        (False, True), ("one", "several"), (False, True), (False, True), (False, True), (False, True))
]


def test_the_article_tree_stops_at_its_second_question():
    # questions 3-5 never change the literal verdict: only the first two matter
    for answers in ALL_ANSWERS:
        base = Answers(browser_app=answers.browser_app, servers=answers.servers)
        assert article_verdict(answers) == article_verdict(base)
    assert article_verdict(Answers(browser_app=True, servers="several")) == "Sessions"
    assert article_verdict(Answers(servers="several")) == "JWT"
    assert article_verdict(Answers(mobile_clients=True, microservices=True)) == "Sessions"


def test_article_votes_show_the_conflicting_questions():
    votes = article_votes(Answers(browser_app=True, microservices=True))
    assert votes["Traditional web app with a server?"] == "Sessions"
    assert votes["Microservices?"] == "JWT"


@pytest.mark.parametrize("answers", ALL_ANSWERS, ids=str)
def test_every_combination_gets_a_reasoned_recommendation(answers):
    result = recommend(answers)
    assert result.approach in APPROACHES
    assert result.reasons and all(isinstance(reason, str) and reason for reason in result.reasons)
    assert result.article == article_verdict(answers)
    assert "Use:" in str(result) and "<ul>" in result._repr_html_()


def test_mobile_alone_is_no_reason_for_jwt():
    result = recommend(Answers(mobile_clients=True))
    assert result.approach == "sessions"
    assert any("cookie" in reason.lower() and "mobile" in reason.lower() for reason in result.reasons)


def test_several_servers_with_a_browser_means_a_shared_session_store():
    result = recommend(Answers(browser_app=True, servers="several"))
    assert result.approach == "sessions-shared-store"
    assert any("shared" in reason for reason in result.reasons)


def test_microservices_behind_a_browser_app_get_sessions_outside_and_jwt_inside():
    result = recommend(Answers(browser_app=True, servers="several", microservices=True))
    assert result.approach == "sessions-at-edge-jwt-inside"
    assert not result.agrees_with_article


def test_jwt_with_immediate_logout_warns_about_the_denylist():
    result = recommend(Answers(microservices=True, immediate_logout=True))
    assert result.approach == "jwt"
    assert any("denylist" in caveat for caveat in result.caveats)


def test_every_jwt_recommendation_says_keep_tokens_short():
    for answers in ALL_ANSWERS:
        result = recommend(answers)
        if result.approach in ("jwt", "sessions-at-edge-jwt-inside"):
            assert any("short-lived" in caveat for caveat in result.caveats), answers


@pytest.mark.parametrize(("name", "approach"), [
    ("Web app with server-rendered HTML", "sessions"),
    ("You need immediate logout", "sessions"),
    ("One server, one database", "sessions"),
    ("Store lots of user data", "sessions"),
    ("Mobile app", "sessions"),
    ("Multiple clients use the same API", "sessions"),
    ("Microservices", "jwt"),
    ("Multiple independent servers", "jwt"),
    ("Server-rendered shop on three servers", "sessions-shared-store"),
    ("Web app in front of microservices", "sessions-at-edge-jwt-inside"),
])
def test_presets(name, approach):
    assert recommend(PRESETS[name].answers).approach == approach


def test_the_article_lists_eight_scenarios_four_each():
    sections = [scenario.article_section for scenario in PRESETS.values() if scenario.article_section]
    assert sorted(sections) == ["JWT"] * 4 + ["Sessions"] * 4


def test_questions_cover_every_answer_field():
    assert [q.field for q in QUESTIONS] == [f.name for f in dataclasses.fields(Answers)]


def test_bad_server_count_is_a_clear_error():
    with pytest.raises(ValueError, match='"one" or "several"'):
        Answers(servers="3")


def test_widget_follows_presets_and_answers():
    box = widget()
    style, presets, *rows, _, result = box.children
    assert "authlab-toggles" in box._dom_classes and ".authlab-toggles .widget-toggle-button.mod-active" in style.value
    presets.value = "Microservices"
    assert APPROACHES["jwt"] in result.value
    controls = {q.field: row.children[1] for q, row in zip(QUESTIONS, rows, strict=True)}
    assert controls["microservices"].value is True and controls["servers"].value == "several"
    controls["microservices"].value = False
    controls["browser_app"].value = True
    assert APPROACHES["sessions-shared-store"] in result.value


def test_outside_login_points_to_lesson_09_and_keeps_the_approach():
    plain = recommend(Answers(browser_app=True))
    with_google = recommend(Answers(browser_app=True, outside_login=True))
    assert with_google.approach == plain.approach
    assert with_google.lessons[-1] == "09_oauth_oidc" and "backend-for-frontend" in with_google.reasons[-1]
    assert with_google.labs[-1] == "lab5_oidc_client" and "Build it: " in str(with_google)
    assert "09_oauth_oidc" not in plain.lessons and "lab5_oidc_client" not in plain.labs


def test_every_recommendation_names_labs_that_exist():
    """Where to build it: labs 1, 2, 4 and 5 (lab 3, a JWT in a browser's cookie, is never the course's advice)."""
    root = Path(__file__).resolve().parents[1]
    named = set()
    for flags in itertools.product([False, True], repeat=len(QUESTIONS) - 1):
        for servers in ("one", "several"):
            fields = dict(zip([q.field for q in QUESTIONS if q.field != "servers"], flags, strict=True))
            recommendation = recommend(Answers(servers=servers, **fields))
            assert recommendation.labs, recommendation
            named |= set(recommendation.labs)
    released = {path.stem for path in (root / "labs").glob("lab*.ipynb")}
    assert named <= released and released - named == {"lab3_jwt_cookie"}, named
