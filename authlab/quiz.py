"""The course's recap quiz: multiple-choice questions that check themselves and explain every choice.

    quiz.widget()                  # one block per question; choose, and the explanation appears
    print(quiz.text())             # the same questions as plain text, for any frontend
    quiz.check({"revocation": "b"})  # a Result: score, and feedback for each question answered

Answers are letters (``"a"``, ``"b"`` …) keyed by the question's ``key``.
"""

from __future__ import annotations

import dataclasses
import html
import string
import zlib
from collections.abc import Mapping

from authlab.theme import themed

__all__ = ["QUESTIONS", "Choice", "Feedback", "Question", "Result", "check", "text", "widget"]


@dataclasses.dataclass(frozen=True)
class Choice:
    text: str
    correct: bool
    why: str


@dataclasses.dataclass(frozen=True)
class Question:
    key: str
    lesson: str
    prompt: str
    choices: tuple[Choice, ...]

    def __post_init__(self):
        if sum(choice.correct for choice in self.choices) != 1:
            raise ValueError(f"question {self.key!r} needs exactly one correct choice")

    @property
    def answer(self) -> str:
        """The letter of the correct choice."""
        return next(letter for letter, choice in self.lettered() if choice.correct)

    def lettered(self) -> list[tuple[str, Choice]]:
        return [(string.ascii_lowercase[index], choice) for index, choice in enumerate(self.choices)]

    def choice(self, letter: str) -> Choice:
        cleaned = letter.strip().lower() if isinstance(letter, str) else ""
        index = string.ascii_lowercase.find(cleaned) if len(cleaned) == 1 else -1
        if not 0 <= index < len(self.choices):
            letters = ", ".join(string.ascii_lowercase[: len(self.choices)])
            raise ValueError(f"question {self.key!r}: answer with one of {letters}, not {letter!r}")
        return self.choices[index]


def _q(key: str, lesson: str, prompt: str, *choices: tuple[str, bool, str]) -> Question:
    # Rotated by a fixed amount per key, so the right answer is not always in the same place.
    turn = zlib.crc32(key.encode()) % len(choices)
    return Question(key, lesson, prompt, tuple(Choice(*choice) for choice in choices[turn:] + choices[:turn]))


QUESTIONS: tuple[Question, ...] = (
    _q("session-id", "01_sessions",
       "The article creates session IDs with Math.random().toString(). What is wrong with that?",
       ("Nothing: the decimal string is about 18 digits long, far too many to guess", False,
        "Length is not entropy: Math.random() is a fast, non-cryptographic generator whose output can be "
        "predicted from a few samples, and its string holds at most 53 bits (the precision of a double)."),
       ("It is predictable and low-entropy: use secrets.token_urlsafe(32) instead", True,
        "A session ID is a bearer credential; anyone who guesses one is logged in. secrets uses the OS's "
        "CSPRNG; ASVS 5.0 (7.2.3) asks for at least 128 bits, which makes guessing hopeless (token_urlsafe(32) "
        "gives 256)."),
       ("It should be hashed with SHA-256 before it is sent, so the raw number never leaves the server", False,
        "Hashing a predictable number gives a predictable hash: the attacker hashes their guesses too."),
       ("It should be stored in localStorage instead of a cookie, out of reach of other sites", False,
        "Where the ID is kept does not change how guessable it is, and localStorage is readable by any script."),
       ),
    _q("passwords", "01_sessions", "How should the server check a login password?",
       ("Compare it with the stored password using hmac.compare_digest", False,
        "A constant-time comparison is good, but the server still stores plain passwords: one database leak "
        "exposes every user (and their other sites)."),
       ("Store a salted, slow hash (argon2id, else scrypt or bcrypt) and check the password against it", True,
        "verify(stored, password) recomputes the slow hash (OWASP: argon2id with 19 MiB, t=2, p=1): a leak "
        "gives hashes that are expensive to crack, one user at a time."),
       ("Store the SHA-256 hex digest of the password and compare digests", False,
        "Unsalted fast hashes are cracked by the billion per second on a GPU, and equal passwords "
        "have equal hashes."),
       ("Encrypt the passwords with the app's secret key", False,
        "Whoever gets the key gets every password back; passwords should not be recoverable at all."),
       ),
    _q("fixation", "01_sessions", "Why does a server issue a new session ID at login?",
       ("To keep the cookie small: the ID of an anonymous visitor carries data login no longer needs", False,
        "An ID carries no data, and the new one has the same size as the old one."),
       ("So an ID an attacker planted before login is worthless afterwards (session fixation)", True,
        "If the ID survived login, an attacker who made the victim use a known ID would share the logged-in "
        "session."),
       ("Because the anonymous session has usually expired by the time the user has typed the password", False,
        "Login can happen a second after the first visit."),
       ("Browsers require a new Set-Cookie after a login", False,
        "Browsers know nothing about sessions; this is entirely the server's job."),
       ),
    _q("flask-session", "01_sessions", "Flask's built-in `session` object keeps its data where?",
       ("In the server process's memory, keyed by the ID in the cookie, like express-session", False,
        "That is Flask-Session (or express-session). Flask's default is different."),
       ("In a signed cookie: anyone holding it can read it, nobody can change it", True,
        "The cookie is base64 data plus an HMAC; decoding it shows the contents, so keep secrets out of it."),
       ("In a cookie encrypted with the app's secret_key, so only the server can read it", False,
        "It is signed, not encrypted: 01 decodes one live."),
       ("In a database table Flask creates", False, "Flask creates no tables; Flask-Session can use one."),
       ),
    _q("httponly", "02_cookies", "What does the HttpOnly cookie attribute protect against?",
       ("The cookie being sent over plain HTTP, where anyone on the network could read it", False, "That is Secure."),
       ("Page JavaScript reading the cookie (document.cookie), so XSS cannot steal it", True,
        "The browser still sends it with requests; scripts just cannot read it. XSS can still make "
        "requests that carry it while the page is open, and read a CSRF cookie that is not HttpOnly."),
       ("Other sites' forms and fetches carrying the cookie along (CSRF)", False,
        "That is SameSite (and CSRF tokens)."),
       ("The cookie being kept after the browser closes", False, "That is the absence of Max-Age/Expires."),
       ),
    _q("samesite", "02_cookies",
       "A cookie has SameSite=Lax. When does the browser send it on a request from another site?",
       ("Never: Lax blocks every request another site starts, links included", False, "That is Strict."),
       ("When the user follows a link to your site (a top-level GET), not on POSTs or fetches", True,
        "Lax keeps links into your site logged in while blocking the classic cross-site form POST."),
       ("Always: Lax only limits how long the browser keeps the cookie after the site is closed", False,
        "Lifetime is Max-Age and Expires; sent on every cross-site request is SameSite=None (Chrome refuses it "
        "without Secure). A cookie with no SameSite at all is Lax in Chrome (sent on a cross-site POST only in "
        "its first 2 minutes); Firefox and Safari send it like None."),
       ("Only when the request uses HTTPS", False, "That is Secure, a separate attribute."),
       ),
    _q("jwt-readable", "03_jwt", "Can anyone read the payload of a (signed) JWT?",
       ("No: the signature encrypts the header and payload, so only the key's holder can read them", False,
        "A JWS signature proves integrity; it hides nothing."),
       ("Yes: it is base64url-encoded JSON, signed but not encrypted", True,
        "03 decodes the article's token by hand. Put nothing secret in a JWT's payload."),
       ("Only with the secret key, which decodes the base64url text", False,
        "The key is needed to sign or verify, not to read; base64url is an encoding anyone can undo."),
       ("Only the server that issued it", False, "Anyone holding the token can base64url-decode it."),
       ),
    _q("article-token", "03_jwt",
       "The article's example token eyJhbGciOiJIUzI1NiIs…SflKxwRJ… carries {\"userId\":1,\"username\":\"alice\"}. "
       "Does its signature verify?",
       ("Yes, with \"your-secret-key\", the secret the article's code signs with", False,
        "03 tries it: InvalidSignatureError."),
       ("No: it is jwt.io's example signature, made over another payload", True,
        "Signature SflKxw… belongs to {\"sub\":\"1234567890\",\"name\":\"John Doe\",\"iat\":1516239022} with "
        "\"your-256-bit-secret\". Changing the payload without the key is exactly what verification catches."),
       ("Yes, any HS256 token verifies with any key", False, "Then signatures would be pointless."),
       ("It cannot be checked: an HS256 signature needs the issuer's public key to verify", False,
        "HS256 uses one shared secret, not a key pair."),
       ),
    _q("algorithms", "03_jwt", "Why must jwt.decode be given algorithms=[\"HS256\"] (or whichever you use)?",
       ("It makes decoding faster: PyJWT then skips reading the header to find the algorithm", False,
        "It is about trust, not speed."),
       ("So the token's own alg header cannot choose how it is checked", True,
        "The header is attacker-controlled: alg \"none\" or RS256/HS256 confusion. Pinning the algorithm closes "
        "the attacks 06 performs."),
       ("PyJWT cannot find the algorithm otherwise: the header does not name it", False,
        "The header names it, and PyJWT could read it; refusing to trust it is the point (PyJWT 2 requires "
        "the argument)."),
       ("It sets the algorithm used for the next token", False, "That is jwt.encode(..., algorithm=...)."),
       ),
    _q("rs256", "03_jwt", "With RS256, what does a service need to verify tokens?",
       ("The issuer's private key, since verifying means recomputing the signature", False,
        "Only the issuer needs it, to sign. A verifier with the private key could forge."),
       ("Only the issuer's public key", True,
        "So many services can verify while only the login service can sign; 05 publishes it as a JWKS."),
       ("The shared HS256 secret that the issuer signs with", False,
        "That is HS256, where every verifier could also sign."),
       ("A call to the issuer for each token it receives", False,
        "Verification is local: that is the appeal of JWT."),
       ),
    _q("revocation", "04_stateful_vs_stateless", "A user logs out. What happens to their credential at once?",
       ("Session: refused on the next request; JWT (no denylist): still accepted until exp", True,
        "04 measures it: the session server answers 401 right after logout, the JWT server keeps saying 200 "
        "until the token expires."),
       ("Both are refused at once: logout deletes what the server knows", False,
        "A stateless server has nothing to delete; the token still verifies."),
       ("Both stay valid until they expire", False, "Deleting the session entry ends a session immediately."),
       ("The JWT is refused at once, because logout clears its cookie", False,
        "Clearing the cookie only makes this browser forget it; a copied token still verifies."),
       ),
    _q("state-back", "05_scaling_and_revocation",
       "You add a jti denylist so logged-out JWTs are refused. What changed?",
       ("Nothing that matters: each token still carries everything, so JWT is still stateless", False,
        "Every request now looks the jti up in a store: that is server state, shared by every server."),
       ("The server keeps state again: a lookup per request, like sessions", True,
        "Revocation needs memory somewhere. The denylist only holds revoked tokens until they expire, but "
        "it must be shared and checked on every request."),
       ("Tokens no longer need an exp claim", False, "exp bounds how long the denylist must keep an entry."),
       ("Only RS256 tokens can be revoked this way, because HS256 tokens carry no jti", False,
        "The denylist works for any algorithm, and any token can carry a jti."),
       ),
    _q("scaling", "05_scaling_and_revocation",
       "Three server processes behind a load balancer use sessions. What do you need?",
       ("Switch to JWT: sessions cannot work across servers", False,
        "They can, with a shared store: 05 runs several processes against Redis."),
       ("A session store all of them share (Redis, a database), or sticky sessions", True,
        "With an in-process dict, each server knows only its own logins; a shared store fixes that at the cost "
        "of one fast lookup per request."),
       ("Nothing: each process copies the others' memory", False, "Processes share no memory."),
       ("A bigger cookie that holds the whole session", False, "That is a client-side (signed) session, like Flask's."),
       ),
    _q("weak-secret", "06_attacks",
       "A server signs HS256 tokens with \"your-secret-key\". What can an attacker do with one token?",
       ("Nothing without the server's source code", False,
        "The token alone is enough: the attacker tries candidate secrets offline until one reproduces the signature."),
       ("Guess the secret offline from a wordlist, then sign any token they like", True,
        "06 cracks it in milliseconds. Use secrets.token_bytes(32) (or longer) as the HS256 key."),
       ("Read the secret from the token's header", False, "The header names the algorithm, never the key."),
       ("Only replay that same token until it expires", False,
        "Replay is possible anyway; a weak key allows forging new ones."),
       ),
    _q("csrf", "06_attacks",
       "Why does a JWT in an HttpOnly cookie need CSRF protection, while a JWT in Authorization does not?",
       ("It does not: a JWT is signed, so a forged request cannot carry a valid one", False,
        "The forged request does not need to make a token: the browser attaches the real one. What matters is "
        "how the credential travels, not its format."),
       ("Browsers attach cookies to cross-site requests, never an Authorization header", True,
        "A forged form post from another site carries the cookie. SameSite plus a CSRF token bound to the "
        "session (signed double submit, as in jwt_cookie_app) stops it; a header must be set by your own script."),
       ("Because HttpOnly cookies travel in plain text, where a page on another site can read them", False,
        "Secure controls HTTPS; HttpOnly is about scripts, and other sites cannot read your cookies either way."),
       ("Because cookies are larger", False, "Size has nothing to do with CSRF."),
       ),
    _q("id-token", "09_oauth_oidc",
       "Your app receives a correctly signed ID token from Google about alice. What must it check before "
       "signing her in?",
       ("Nothing more: the signature proves it", False,
        "Google signs ID tokens for every app. One issued to another app, or to another login, is just as "
        "well signed (09's aud and nonce attacks)."),
       ("iss, aud = its own client ID, exp, and the nonce it sent for this browser's login", True,
        "OIDC Core 3.1.3.7: the issuer, that the token is for this client, still valid, and an answer to "
        "this login, not a replay. 09 validates each and shows the attacks that skip one; in lab5 you write "
        "the validation yourself."),
       ("Only that sub is an email address", False,
        "sub is an opaque identifier; it proves nothing about who sent the token."),
       ("That it can call the userinfo endpoint with it", False,
        "An ID token is not an access token: an API must refuse it (RFC 9068 typ at+jwt, aud)."),
       ),
)


@dataclasses.dataclass(frozen=True)
class Feedback:
    question: Question
    chosen: str | None

    @property
    def correct(self) -> bool:
        return self.chosen == self.question.answer

    @property
    def explanation(self) -> str:
        right = self.question.choice(self.question.answer)
        if self.chosen is None:
            return f"not answered. The answer is {self.question.answer}: {right.why}"
        if self.correct:
            return right.why
        return f"{self.question.choice(self.chosen).why} The answer is {self.question.answer}: {right.why}"

    def __str__(self) -> str:
        mark = "right" if self.correct else ("skipped" if self.chosen is None else "wrong")
        return f"[{mark}] {self.question.key}: {self.explanation}"


@dataclasses.dataclass(frozen=True)
class Result:
    feedback: tuple[Feedback, ...]

    @property
    def score(self) -> int:
        return sum(item.correct for item in self.feedback)

    @property
    def total(self) -> int:
        return len(self.feedback)

    @property
    def wrong(self) -> list[str]:
        """Keys of the questions answered wrongly or not at all."""
        return [item.question.key for item in self.feedback if not item.correct]

    def __str__(self) -> str:
        return "\n".join([f"{self.score}/{self.total} right", *map(str, self.feedback)])


def check(answers: Mapping[str, str], questions: tuple[Question, ...] = QUESTIONS) -> Result:
    """Score ``answers`` (question key -> letter); every question gets feedback, answered or not."""
    by_key = {question.key: question for question in questions}
    unknown = sorted(set(answers) - set(by_key))
    if unknown:
        raise KeyError(f"no question with key {', '.join(map(repr, unknown))}; the keys are {', '.join(by_key)}")
    feedback = []
    for question in questions:
        letter = answers.get(question.key)
        if letter is not None:
            question.choice(letter)  # raises a clear ValueError on a letter that is not a choice
            letter = letter.strip().lower()
        feedback.append(Feedback(question, letter))
    return Result(tuple(feedback))


def text(questions: tuple[Question, ...] = QUESTIONS) -> str:
    """The questions and choices as plain text (no answers)."""
    blocks = []
    for number, question in enumerate(questions, 1):
        lines = [f"{number}. [{question.key}] ({question.lesson}) {question.prompt}"]
        lines += [f"   {letter}) {choice.text}" for letter, choice in question.lettered()]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def widget(questions: tuple[Question, ...] = QUESTIONS):
    """One block per question: pick a choice and its explanation appears; a running score on top."""
    import ipywidgets as w

    score = w.HTML()
    chosen: dict[str, str | None] = {question.key: None for question in questions}

    def update_score():
        result = check({key: letter for key, letter in chosen.items() if letter is not None}, questions)
        answered = sum(letter is not None for letter in chosen.values())
        score.value = f"<b>{result.score} right</b> out of {answered} answered ({len(questions)} questions)"

    blocks = []
    for number, question in enumerate(questions, 1):
        options = [(f"{letter}) {choice.text}", letter)
                   for letter, choice in question.lettered()]
        buttons = w.RadioButtons(options=options, value=None, layout=w.Layout(width="auto"))
        explanation = w.HTML()

        def on_choice(change, question=question, explanation=explanation):
            chosen[question.key] = change["new"]
            feedback = Feedback(question, change["new"])
            colour, mark = (themed("#1a7f37"), "Right.") if feedback.correct else (themed("#cf222e"), "Not quite.")
            explanation.value = (f'<div style="color:{colour}"><b>{mark}</b> '
                                 f"{html.escape(feedback.explanation)}</div>")
            update_score()

        buttons.observe(on_choice, names="value")
        heading = w.HTML(f"<b>{number}. {html.escape(question.prompt)}</b> "
                         f"<small>({html.escape(question.lesson)})</small>")
        blocks.append(w.VBox([heading, buttons, explanation]))
    update_score()
    return w.VBox([score, *blocks])
