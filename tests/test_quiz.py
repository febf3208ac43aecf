"""The recap quiz: well-formed questions, scoring, explanations, bad answers and the widget."""

import pytest

from authlab import quiz
from authlab.quiz import QUESTIONS, Choice, Question, check

RIGHT = {question.key: question.answer for question in QUESTIONS}


def test_the_quiz_covers_the_course():
    assert 10 <= len(QUESTIONS) <= 16
    assert len({question.key for question in QUESTIONS}) == len(QUESTIONS)
    lessons = {question.lesson for question in QUESTIONS}
    assert {"01_sessions", "02_cookies", "03_jwt", "04_stateful_vs_stateless", "06_attacks"} <= lessons


def test_every_choice_is_explained():
    for question in QUESTIONS:
        assert len(question.choices) >= 3
        assert all(choice.text and choice.why for choice in question.choices), question.key


def test_right_answers_are_not_all_in_one_place():
    assert len(set(RIGHT.values())) >= 3


def test_all_right_scores_full_marks():
    result = check(RIGHT)
    assert (result.score, result.total, result.wrong) == (len(QUESTIONS), len(QUESTIONS), [])
    assert f"{len(QUESTIONS)}/{len(QUESTIONS)} right" in str(result)


def test_a_wrong_answer_explains_both_the_choice_and_the_answer():
    question = QUESTIONS[0]
    wrong = next(letter for letter, choice in question.lettered() if not choice.correct)
    result = check({question.key: wrong})
    feedback = result.feedback[0]
    assert not feedback.correct
    assert question.choice(wrong).why in feedback.explanation
    assert question.choice(question.answer).why in feedback.explanation
    assert result.score == 0 and question.key in result.wrong


def test_unanswered_questions_count_as_not_right_and_show_the_answer():
    result = check({})
    assert result.score == 0 and len(result.wrong) == len(QUESTIONS)
    assert all("not answered" in item.explanation for item in result.feedback)


def test_letters_are_forgiving_about_case_and_spaces():
    question = QUESTIONS[1]
    assert check({question.key: f" {question.answer.upper()} "}).score == 1


@pytest.mark.parametrize("letter", ["z", "e", "", "ab", 1])
def test_a_letter_that_is_not_a_choice_is_a_clear_error(letter):
    with pytest.raises(ValueError, match="answer with one of a, b, c, d"):
        check({QUESTIONS[0].key: letter})


def test_an_unknown_key_names_the_valid_keys():
    with pytest.raises(KeyError, match="no question with key 'nope'.*revocation"):
        check({"nope": "a"})


def test_a_question_needs_exactly_one_right_choice():
    with pytest.raises(ValueError, match="exactly one correct"):
        Question("q", "00", "?", (Choice("a", True, "."), Choice("b", True, ".")))


def test_length_gives_the_answer_away_no_more_than_chance():
    """A student who always picks the longest option should score about a quarter, not 14 of 15."""
    def rank_of_answer(question):  # 1 = the correct option is the longest
        lengths = sorted((len(choice.text) for choice in question.choices), reverse=True)
        return lengths.index(len(question.choice(question.answer).text)) + 1

    ranks = [rank_of_answer(question) for question in QUESTIONS]
    assert ranks.count(1) <= len(QUESTIONS) / 3, ranks
    assert ranks.count(1) >= 1 and max(ranks) == 4, f"the inverse tell (never the longest): {ranks}"


def test_the_answer_is_not_always_in_the_same_place():
    letters = [question.answer for question in QUESTIONS]
    assert max(letters.count(letter) for letter in set(letters)) <= len(QUESTIONS) / 2, letters


def test_text_lists_questions_without_giving_answers_away():
    printed = quiz.text()
    assert all(question.prompt in printed for question in QUESTIONS)
    assert not any(choice.why in printed for question in QUESTIONS for choice in question.choices)


def test_the_widget_scores_and_explains_as_the_learner_clicks():
    box = quiz.widget()
    score, *blocks = box.children
    assert len(blocks) == len(QUESTIONS) and "0 right" in score.value
    _, buttons, explanation = blocks[0].children
    buttons.value = QUESTIONS[0].answer
    assert "Right." in explanation.value and "1 right" in score.value
    _, buttons, explanation = blocks[1].children
    buttons.value = next(letter for letter, choice in QUESTIONS[1].lettered() if not choice.correct)
    assert "Not quite." in explanation.value and "out of 2 answered" in score.value
