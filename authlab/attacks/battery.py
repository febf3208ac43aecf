"""The attack battery: every attack of lesson 06 against a server, refused or succeeded.

    target = Target("http://127.0.0.1:5001", kind="jwt-cookie")
    outcomes = run_attacks(target)         # one Outcome per attack
    print(format_report(outcomes))

The attacks themselves are in ``authlab.attacks.catalog``, the servers to run them against
in ``authlab.attacks.fleets``. ``course_battery()`` runs every attack against the course's
secure servers and solved labs, and each attack against the vulnerable server it must
break; the test suite and ``authlab attack --course`` run it, so the secure servers are
shown to hold and the demos are shown to be honest.
"""

from __future__ import annotations

import dataclasses

from authlab import paths
from authlab.attacks.catalog import ATTACKS, Attack, NotApplicable
from authlab.attacks.fleets import course_servers, solution_servers, vulnerable_servers
from authlab.attacks.probes import Target, TargetError
from authlab.users import Users

__all__ = ["BatteryResult", "Outcome", "course_battery", "format_report", "run_attack", "run_attacks", "summary"]

@dataclasses.dataclass
class Outcome:
    target: str
    kind: str
    attack: Attack
    verdict: str  # "succeeded", "refused", "skipped" or "error"
    detail: str


def run_attack(target: Target, attack: Attack) -> Outcome:
    """One attack against one target; never raises for what the server does."""
    if target.kind not in attack.kinds:
        return Outcome(target.name, target.kind, attack, "skipped", f"not for {target.kind} servers")
    if attack.id in target.skip:
        return Outcome(target.name, target.kind, attack, "skipped", target.skip[attack.id])
    try:
        finding = attack.run(target)
    except NotApplicable as reason:
        return Outcome(target.name, target.kind, attack, "skipped", str(reason))
    except TargetError as error:
        return Outcome(target.name, target.kind, attack, "error", str(error))
    except Exception as error:  # a server answering nonsense must not stop the battery
        return Outcome(target.name, target.kind, attack, "error", f"{type(error).__name__}: {str(error)[:160]}")
    return Outcome(target.name, target.kind, attack, "succeeded" if finding else "refused", finding.detail)


def run_attacks(target: Target, attacks: tuple[Attack, ...] = ATTACKS) -> list[Outcome]:
    """Every attack in ``attacks`` against ``target``, in lesson order."""
    return [run_attack(target, attack) for attack in attacks]


def format_report(outcomes: list[Outcome]) -> str:
    """Per server, each attack for its kind: verdict, advisory class, and what happened."""
    marks = {"succeeded": "SUCCEEDED", "refused": "refused", "skipped": "n/a", "error": "ERROR"}
    lines = []
    for target in dict.fromkeys(outcome.target for outcome in outcomes):
        lines.append(f"== {target}")
        for outcome in (o for o in outcomes if o.target == target and o.kind in o.attack.kinds):
            attack = outcome.attack
            lines.append(f"  {attack.number:>2} {attack.id:<20} {marks[outcome.verdict]:<9} "
                         f"[{attack.advisory}] {outcome.detail}")
    return "\n".join(lines)


def summary(outcomes: list[Outcome]) -> str:
    """'N attacks tried against M servers: …', counting only the attacks that applied.

    "not applicable" counts the attacks for this kind of server that had nothing to work on,
    the rows ``format_report`` marks n/a; attacks for other kinds are neither listed nor counted.
    """
    tried = [o for o in outcomes if o.verdict in ("succeeded", "refused")]
    servers = len({o.target for o in outcomes})
    counts = {verdict: sum(o.verdict == verdict for o in outcomes) for verdict in ("succeeded", "refused", "error")}
    skipped = sum(o.verdict == "skipped" and o.kind in o.attack.kinds for o in outcomes)
    return (f"{len(tried)} attacks tried against {servers} servers: {counts['refused']} refused, "
            f"{counts['succeeded']} succeeded, {counts['error']} errors ({skipped} not applicable)")


@dataclasses.dataclass
class BatteryResult:
    secure: list[Outcome]  # every attack against every course server and lab solution
    demos: list[Outcome]  # each attack against the vulnerable server it must break
    not_loaded: list[str]  # lab solutions present but not loadable, with the reason

    @property
    def ok(self) -> bool:
        held = all(outcome.verdict in ("refused", "skipped") for outcome in self.secure)
        return held and all(outcome.verdict == "succeeded" for outcome in self.demos)


def course_battery(users: Users | None = None) -> BatteryResult:
    """Every attack against every course server and lab solution, and each attack against its vulnerable server."""
    users = users or Users()
    with course_servers(users) as targets, solution_servers(paths.solutions()) as (solutions, not_loaded):
        secure = [outcome for target in [*targets, *solutions] for outcome in run_attacks(target)]
    with vulnerable_servers(users) as pairs:
        demos = [run_attack(target, attack) for target, attack in pairs]
    return BatteryResult(secure, demos, not_loaded)
