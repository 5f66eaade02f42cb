"""Issue 17, point 1: an exception raised into a diagnosis from outside (a timeout from
a signal handler, Ctrl-C, a trace hook) comes out unchanged, and the engine stays healthy.

The runs happen in a child process with ``MALLOC_PERTURB_=170``: the failure this
guards against was a glibc abort (durable freeing memory it never initialised).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from backup_doctor.engine import Engine, EngineError

FACTS_A: dict[str, Any] = {
    "schema_version": 1, "ticket": "A", "today": "2026-11-25", "goal": "migrate",
    "device": {"model": "iPhone 12", "ios": "16.7.2", "update_available": True},
    "target": {"model": "iPhone 16", "ios": "18.1"},
    "account": {"plan_gb": 5, "used_gb": 4.2, "icloud_backup_on": True},
    "network": {"connection": "wifi", "wifi_kind": "tethering", "signal_bars": 1},
    "symptoms": {"messages": ["iCloudストレージの空き領域が不足しています", "backup-failed"]},
    "uses": ["line", "face_id"],
}
FACTS_B: dict[str, Any] = {
    "schema_version": 1, "ticket": "B", "today": "2026-11-25", "goal": "backup",
    "account": {"plan_gb": 200, "used_gb": 20, "icloud_backup_on": False},
}

# Raises one exception at the N-th step of a diagnosis, for N = 1, 2, ... until a
# diagnosis completes. A step is a point where CPython can run a signal handler (and so
# raise a caller's timeout or KeyboardInterrupt): the entry of a function, the
# instruction after a call returns (a durable call's result may be lost there) and
# the head of a loop. Every such point in engine/_durable.py and engine/runner.py is
# one, and every function entry elsewhere in the library; with "first", where each
# step builds a new engine, the points of engine/_durable.py only.
# The exception types rotate: two that are not Exceptions, a timeout that is one (an
# OSError, as TimeoutError), and a caller's own Exception subclass.
_CHILD = r"""
import dis, inspect, json, os, sys
import backup_doctor.engine as be
import backup_doctor.facts as bf
from backup_doctor.engine import Engine, _durable

MODE = sys.argv[1]
FACTS_A, FACTS_B = json.loads(sys.argv[2]), json.loads(sys.argv[3])
ENGINE = os.path.dirname(be.__file__)
LIBRARY = (ENGINE, os.path.dirname(bf.__file__))
FINE = ("_durable.py",) if MODE == "first" else ("_durable.py", "runner.py")

class Stop(BaseException): pass
class CallerTimeout(Exception): pass
KINDS = [KeyboardInterrupt, TimeoutError, Stop, CallerTimeout]

_points = {}
def points(code):
    # Where the eval loop checks for pending signals: after CALL, at a backward jump's target.
    if code not in _points:
        ins = list(dis.get_instructions(code))
        found = {b.offset for a, b in zip(ins, ins[1:]) if a.opname == "CALL"}
        found |= {i.argval for i in ins if i.opname.startswith("JUMP_BACKWARD")}
        _points[code] = found
    return _points[code]

class Hook:
    def __init__(self, n):
        self.n, self.count, self.raised = n, 0, None
    def step(self):
        self.count += 1
        if self.count == self.n:
            self.raised = KINDS[self.n % len(KINDS)](f"step {self.n}")
            raise self.raised
    def local(self, frame, event, arg):
        if event == "opcode" and frame.f_lasti in points(frame.f_code):
            self.step()
        return self.local
    def enter(self, frame, event, arg):
        path = frame.f_code.co_filename
        if os.path.dirname(path) not in LIBRARY:
            return None
        fine = os.path.dirname(path) == ENGINE and os.path.basename(path) in FINE
        # Not a generator's (re)entry: when the garbage collector closes one, CPython
        # ignores what it raises, whatever the code.
        if (fine or MODE != "first") and not frame.f_code.co_flags & inspect.CO_GENERATOR:
            self.step()  # a function entry
        if not fine:
            return None
        frame.f_trace_opcodes = True
        frame.f_trace_lines = False
        return self.local

fresh = Engine()
want = {k: fresh.diagnose(f, explain=True).model_dump_json() for k, f in (("A", FACTS_A), ("B", FACTS_B))}
fresh.close()

engine = Engine()
if MODE == "fresh":
    _durable.SESSION_RUNS = 1  # a new session for every diagnosis
if MODE == "reused":
    engine.diagnose(FACTS_B)
wrong, kinds, n = [], set(), 0
while True:
    n += 1
    if MODE == "first":
        engine = Engine()
    hook = Hook(n)
    sys.settrace(hook.enter)
    try:
        engine.diagnose(FACTS_A, explain=True)
    except BaseException as exc:
        sys.settrace(None)
        if exc is not hook.raised:
            wrong.append(f"step {n}: {exc!r} came out instead of {hook.raised!r}")
        kinds.add(type(exc).__name__)
    else:
        sys.settrace(None)
        if hook.raised is None:
            break
        wrong.append(f"step {n}: {hook.raised!r} was swallowed")
    for key, facts in (("A", FACTS_A), ("B", FACTS_B)):
        if engine.diagnose(facts, explain=True).model_dump_json() != want[key]:
            wrong.append(f"step {n}: wrong report {key} afterwards")
print(json.dumps({"steps": n - 1, "wrong": wrong, "kinds": sorted(kinds)}))
"""


@pytest.mark.parametrize("mode", ["reused", "fresh", "first"])
def test_an_exception_at_any_step_comes_out_unchanged_and_the_engine_recovers(mode: str, run_python: Any) -> None:
    # reused: the engine's session served a diagnosis before; fresh: a new session for
    # every diagnosis; first: a new engine for every step (its very first diagnosis).
    proc = run_python("-c", _CHILD, mode, json.dumps(FACTS_A), json.dumps(FACTS_B), env={"MALLOC_PERTURB_": "170"})
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    result = json.loads(proc.stdout)
    assert result["wrong"] == []
    assert result["kinds"] == ["CallerTimeout", "KeyboardInterrupt", "Stop", "TimeoutError"]
    # The run was really interrupted everywhere: the diagnosis has hundreds of steps.
    assert result["steps"] > (100 if mode == "first" else 300)


_SIGNALS = r"""
import json, signal, sys
from backup_doctor.engine import Engine

FACTS = [json.loads(a) for a in sys.argv[1:]]
class Timeout(Exception): pass
def on_alarm(signum, frame):
    raise Timeout()
signal.signal(signal.SIGALRM, on_alarm)

want = [Engine().diagnose(f).model_dump_json() for f in FACTS]
engine = Engine()
timeouts = wrong = 0
for i in range(1500):
    if i % 10 == 0:
        engine = Engine()  # its first diagnosis, under fire
    facts = i % len(FACTS)
    # A timer that expires somewhere inside the diagnosis (from 20 to 420 microseconds).
    try:
        signal.setitimer(signal.ITIMER_REAL, 20e-6 * (1 + i % 21))
        got = engine.diagnose(FACTS[facts]).model_dump_json()
        signal.setitimer(signal.ITIMER_REAL, 0)
    except Timeout:
        timeouts += 1
        got = engine.diagnose(FACTS[facts]).model_dump_json()
    wrong += got != want[facts]
signal.setitimer(signal.ITIMER_REAL, 0)
print(json.dumps({"timeouts": timeouts, "wrong": wrong}))
"""


def test_timeouts_from_a_signal_handler_come_out_as_raised(run_python: Any) -> None:
    # The helpdesk service's way: SIGALRM raises the caller's own Exception subclass.
    # Any other exception (EngineError, durable's error 309) fails the child; a crash
    # shows as a signal exit code.
    proc = run_python("-c", _SIGNALS, json.dumps(FACTS_A), json.dumps(FACTS_B), env={"MALLOC_PERTURB_": "170"})
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    result = json.loads(proc.stdout)
    assert result["wrong"] == 0
    assert result["timeouts"] > 100  # the timer really did land inside diagnoses


def test_a_failure_in_the_engines_own_action_code_is_an_engine_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with Engine() as engine:
        want = engine.diagnose(FACTS_A).model_dump_json()
        monkeypatch.setattr(engine, "_derived", {})  # a bug: the findings table is empty
        with pytest.raises(EngineError, match="rule action r[0-9]+ failed: KeyError") as info:
            engine.diagnose(FACTS_A)
        assert isinstance(info.value.__cause__, KeyError)
        monkeypatch.undo()
        assert engine.diagnose(FACTS_A).model_dump_json() == want


class _Foreign(dict[str, Any]):
    """Findings whose lookup runs someone else's code, which raises an ordinary error."""

    def __getitem__(self, name: str) -> Any:
        raise LookupError(f"not ours: {name}")


def test_an_exception_from_foreign_code_inside_an_action_is_not_wrapped(monkeypatch: pytest.MonkeyPatch) -> None:
    with Engine() as engine:
        want = engine.diagnose(FACTS_A).model_dump_json()
        monkeypatch.setattr(engine, "_derived", _Foreign(engine._derived))
        with pytest.raises(LookupError, match="not ours"):
            engine.diagnose(FACTS_A)
        monkeypatch.undo()
        assert engine.diagnose(FACTS_A).model_dump_json() == want
