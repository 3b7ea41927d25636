"""Property-based bad input into every form (issue 7 §6): for EVERY state-changing route, random
subsets of real field names with junk values, posted by each logged-in role, never give a server
error, and a refused request (4xx) stores nothing: no table row is added, changed or removed and
no file is written.

tests/test_security_inputs.py fuzzes five forms in depth; this file is the broad net. The routes
and the objects they act on come from tests/test_security_matrix.py, the field names from the
WTForms classes of blueprints/*/forms.py (each route gets the fields of the forms its view builds)
plus the keys views read straight from request.form."""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import operator
import os
import re
import tempfile
import textwrap
from collections.abc import Iterator
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
import wtforms
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Text, cast, event, func, literal_column, select, union_all, update
from wtforms.fields import FieldList, FormField

import blueprints
from blueprints.admin import importer
from blueprints.auth.models import Employee
from blueprints.common.timefmt import today_wib
from blueprints.surveys.models import SurveyQuestion
from extensions import db
from tests import factories
from tests.conftest import HX, make_test_app
from tests.test_security_inputs import PAYLOAD, PDF, junk_date, junk_number, junk_text
from tests.test_security_matrix import ANONYMOUS_POST, _client, _people, _post_rules, _url, _world

# The four logged-in roles. Anonymous visitors are refused before validation on every route but
# ANONYMOUS_POST (test_security_matrix checks that); on those three the anonymous visitor is the
# one who reaches the form (the login form above all), so there "anon" is fuzzed too.
ROLES = ("staff", "organizer", "leader", "admin")

# Keys views read straight from request.form, not through a WTForms form (found with
# `grep -rn "request.form" blueprints/`; test_direct_form_keys_are_all_listed keeps this list
# complete), each with the values the view looks for.
DIRECT_FORM_KEYS: dict[str, tuple[str, ...]] = {
    "identifier": ("staf.a1@uji.local", "admin@uji.local"),  # auth: rate-limit key of /masuk
    "add_workshop": ("1", "0"),  # feedback: add a recommended workshop to the draft
    "action": ("send", "draft"),  # feedback: send or keep as a draft
    "next": ("/", "/pelatihan/", "https://evil.example/", "//evil.example"),  # redirect targets
    "arah": ("naik", "turun"),  # surveys: move a question up or down
    "compact": ("1",),  # workshops: the compact registration button
    "confirm_clash": ("1",),  # workshops: register despite a clashing session
    "back": ("peserta",),  # workshops: return to the participant list
    "hadir": ("1", "0"),  # workshops: attendance
    "competency": ("1", "2"),  # competencies: the competency a leader confirms a level of
    "jabatan": ("Pelaksana", "Lurah"),  # competencies: the position a standard is for
}

# A view built by a factory instead of a class: settings_form_class() takes no argument and is
# called; answer_form_class(wave) gives one field q_<question id> per question of the wave's
# instrument, so those names are read from the database (ANSWER_FORM below).
ANSWER_FORM = "answer_form_class"

EXAMPLES_PER_ROUTE = 8
SETTINGS = settings(
    max_examples=EXAMPLES_PER_ROUTE,
    deadline=None,
    # data_too_large: junk_text's 5001-6000 character branch is often larger than Hypothesis's
    # 8 KiB budget per example (non-ASCII characters count double or more); such examples are
    # dropped and replaced. So junk_text fills one field per example, and the others take their
    # oversized values from long_text, which is cheap.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# Tables a refused request may legitimately write to. Empty: no refusal is audited or counted in
# the database (rate limits live in the limiter's storage, not in a table).
MAY_CHANGE_ON_REFUSAL: frozenset[str] = frozenset()


def _post_endpoints() -> list[str]:
    """The POST endpoints, known at collection time (one test per route, named by endpoint)."""
    app = make_test_app("sqlite://", tempfile.gettempdir())
    return [rule.endpoint for rule in _post_rules(app)]


POST_ENDPOINTS = _post_endpoints()


# --- field names ---------------------------------------------------------------------------
def _form_modules():
    root = Path(blueprints.__file__).parent
    for path in sorted(root.glob("*/forms.py")):
        yield importlib.import_module(f"blueprints.{path.parent.name}.forms")


@functools.cache
def _form_classes() -> list[type]:
    """Every WTForms form the app defines (FlaskForm is a wtforms.Form), and the classes its form
    factories without arguments build."""
    found = []
    for module in _form_modules():
        for _name, obj in inspect.getmembers(module):
            if getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isclass(obj) and issubclass(obj, wtforms.Form):
                found.append(obj)
            elif (
                inspect.isfunction(obj)
                and obj.__name__.endswith("_form_class")
                and not _required_parameters(obj)
            ):
                found.append(obj())
    return found


def _required_parameters(function) -> list[str]:
    return [
        p.name
        for p in inspect.signature(function).parameters.values()
        if p.default is inspect.Parameter.empty
    ]


def _leaves(fields):
    for field in fields:
        if isinstance(field, FieldList | FormField):
            yield from _leaves(field)  # follow_ups-0-due_on, ...
        else:
            yield field


def _choice_values(field) -> list[str]:
    choices = getattr(field, "choices", None)
    if callable(choices):
        choices = choices()
    if not choices:
        return []
    items = (
        [c for group in choices.values() for c in group] if isinstance(choices, dict) else choices
    )
    values = [item[0] if isinstance(item, tuple | list) else item for item in items]
    return ["" if value is None else str(value) for value in values]


_FIELDS: dict[tuple[type, str | None], list[tuple[str, list[str], bool]]] = {}


def _form_fields(app, cls, prefix: str | None = None) -> list[tuple[str, list[str], bool]]:
    """(full name, choice values, is a file) of each field of one form. Building a form needs a
    request (translated labels); the result is plain data, kept for the next tests."""
    if (cls, prefix) not in _FIELDS:
        with app.test_request_context():
            form = cls(formdata=None, prefix=prefix or "", meta={"csrf": False})
            _FIELDS[cls, prefix] = [
                (field.name, _choice_values(field), isinstance(field, wtforms.FileField))
                for field in _leaves(form)
            ]
    return _FIELDS[cls, prefix]


def _form_key(node: ast.Call) -> str | None:
    """The literal key of request.form.get("key") / request.form.getlist("key")."""
    func = node.func
    if (
        isinstance(func, ast.Attribute)
        and func.attr in ("get", "getlist")
        and ast.unparse(func.value) == "request.form"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ):
        return node.args[0].value
    return None


@functools.cache
def _view_forms(view) -> tuple[list[tuple[type, str | None]], bool, set[str]]:
    """The forms a view builds (with their prefix), whether it builds the survey answer form,
    and the request.form keys it reads: from its source, following helper functions of its own
    module two calls deep."""
    forms: list[tuple[type, str | None]] = []
    keys: set[str] = set()
    answers = False
    seen = set()

    def visit(function, depth: int) -> None:
        nonlocal answers
        if function in seen or depth > 2:
            return
        seen.add(function)
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            if key := _form_key(node):
                keys.add(key)
            if not isinstance(node.func, ast.Name):
                continue
            target = function.__globals__.get(node.func.id)
            prefix = next(
                (
                    k.value.value
                    for k in node.keywords
                    if k.arg == "prefix" and isinstance(k.value, ast.Constant)
                ),
                None,
            )
            if inspect.isclass(target) and issubclass(target, wtforms.Form):
                forms.append((target, prefix))
            elif inspect.isfunction(target) and target.__name__.endswith("_form_class"):
                if target.__name__ == ANSWER_FORM:
                    answers = True
                else:
                    forms.append((target(), prefix))
            elif inspect.isfunction(target) and target.__module__ == function.__module__:
                visit(inspect.unwrap(target), depth + 1)

    visit(inspect.unwrap(view), 0)
    return forms, answers, keys


# --- values --------------------------------------------------------------------------------
FILE = "<file>"  # a payload value ("<file>", bytes, filename) is sent as an uploaded file
junk_bytes = st.one_of(
    st.binary(max_size=300),
    st.sampled_from(
        [
            b"",
            PDF,
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 20,
            b"<!doctype html><script>alert(1)</script>",
            ",".join(importer.COLUMNS).encode() + b"\n1,2,3\n",
            b"\xff\xfe\x00\x00garbage",
            b"nip;nama\n" + b"9" * 40 + b";x\n",
        ]
    ),
)
# Over every length limit (5000 is the largest), built from two small choices so that a payload
# of twenty fields stays within Hypothesis's budget.
long_text = st.builds(
    operator.mul,
    st.sampled_from(["x", "é", "<script>", "😀", "\u202e", " ", "\x00"]),
    st.integers(min_value=5001, max_value=6000),
)
# junk_text without its long branch.
short_text = st.one_of(
    st.text(max_size=50),
    st.sampled_from(["", " ", "\x00", "null", "' OR 1=1 --", PAYLOAD, "😀" * 300, "\u202e"]),
)
junk_filename = st.one_of(
    st.sampled_from(
        ["bukti.pdf", "impor.csv", "foto.png", "../../etc/passwd.csv", "", "a" * 300 + ".csv"]
    ),
    st.text(max_size=20),
)


def _general_values(org, world) -> list[str]:
    """Values that mean something here: ids of existing objects, people's NIP and email, dates."""
    values = {"", "0", "-1", "1", "y", "on", "true", PAYLOAD}
    for value in world.args.values():
        if value is not None:
            values.add(str(value))
    for obj in vars(org).values():
        values.add(str(obj.id))
        for attribute in ("nip", "email", "code"):
            if getattr(obj, attribute, None):
                values.add(getattr(obj, attribute))
    today = today_wib()
    for days in (-400, -30, -1, 0, 1, 30, 400):
        values.add((today + timedelta(days=days)).isoformat())
    values.update(("08:00", "16:00", "23:59", f"{today.isoformat()}T08:00"))
    return sorted(values)


class Fuzz:
    """What one route's test needs: the URL, the field pools, clients per role, the checks."""

    def __init__(self, app, org):
        self.app = app
        self.world = _world(org)
        self.people = _people(org)
        self.ids = {role: person.id for role, person in self.people.items() if person is not None}
        self.account_rows = self.accounts()
        self.rules = {rule.endpoint: rule for rule in _post_rules(app)}
        self.clients: dict[str, object] = {}
        self.payloads: dict[str, st.SearchStrategy] = {}
        self.state: dict[str, tuple[str, ...]] | None = None
        self.writes: list[str] = []
        event.listen(db.engine, "before_cursor_execute", self._record_write)
        general = _general_values(org, self.world)
        self.choices: dict[str, list[str]] = {}
        self.file_fields: set[str] = set()
        self.pool: set[str] = set(DIRECT_FORM_KEYS)
        for cls in _form_classes():
            self._learn(_form_fields(app, cls))
        self.answer_names = [
            f"q_{qid}" for qid in db.session.scalars(select(SurveyQuestion.id)).all()
        ]
        self.pool.update(self.answer_names)
        for key, values in DIRECT_FORM_KEYS.items():
            self.choices.setdefault(key, []).extend(values)
        self.general = general
        self.pool_list = sorted(self.pool)

    def _learn(self, fields) -> list[str]:
        names = []
        for name, choices, is_file in fields:
            names.append(name)
            self.pool.add(name)
            self.choices.setdefault(name, []).extend(choices)
            if is_file:
                self.file_fields.add(name)
        return names

    def own_fields(self, endpoint: str) -> list[str]:
        """The fields of the forms this route's view builds, and the keys it reads directly."""
        forms, answers, keys = _view_forms(self.app.view_functions[endpoint])
        names = set(keys)
        for cls, prefix in forms:
            names.update(self._learn(_form_fields(self.app, cls, prefix)))
        if answers:
            names.update(self.answer_names)
        return sorted(names)

    # strategies
    def scalar(self, name: str):
        realistic = sorted(set(self.choices.get(name, [])) | set(self.general))
        return st.one_of(st.sampled_from(realistic), short_text, long_text, junk_number, junk_date)

    def value(self, name: str):
        one = self.scalar(name)
        options = [one, st.lists(one, min_size=2, max_size=3)]  # repeated field
        if name in self.file_fields:
            options.append(st.tuples(st.just(FILE), junk_bytes, junk_filename))
        return st.one_of(*options)

    def values_for(self, names) -> st.SearchStrategy:
        return st.fixed_dictionaries({name: self.value(name) for name in names})

    def strategies(self, endpoint: str) -> dict[str, st.SearchStrategy]:
        if endpoint not in self.payloads:
            own = self.own_fields(endpoint)
            others = [n for n in self.pool_list if n not in own]
            self.payloads[endpoint] = {
                # a random subset of the route's own fields, each with a junk or real value
                "own fields": st.fixed_dictionaries(
                    {}, optional={name: self.value(name) for name in own}
                ),
                # a few names of other forms
                "other fields": st.dictionaries(
                    st.sampled_from(others), st.none(), max_size=3
                ).flatmap(self.values_for),
                # names no form has
                "unknown fields": st.dictionaries(
                    st.text(min_size=1, max_size=10), st.text(max_size=20), max_size=2
                ),
                # one own field (the pool's if the view has no form) gets junk_text itself
                "junk_text field": st.tuples(st.sampled_from(own or self.pool_list), junk_text),
            }
        return self.payloads[endpoint]

    def draw_payload(self, data, endpoint: str) -> dict:
        parts = {
            label: data.draw(strategy, label=label)
            for label, strategy in self.strategies(endpoint).items()
        }
        name, junk = parts["junk_text field"]
        return {
            **parts["unknown fields"],
            **parts["other fields"],
            name: junk,
            **parts["own fields"],
        }

    def roles(self, endpoint: str) -> tuple[str, ...]:
        return ("anon", *ROLES) if endpoint in ANONYMOUS_POST else ROLES

    # requests
    def client(self, role: str):
        if role not in self.clients:
            self.clients[role] = _client(self.app, self.people[role])
        return self.clients[role]

    def url(self, endpoint: str) -> str:
        return _url(self.rules[endpoint], self.world)

    def accounts(self) -> dict[int, tuple]:
        rows = db.session.execute(select(*ACCOUNT).where(Employee.id.in_(self.ids.values())))
        return {row[0]: tuple(row) for row in rows}

    def after_success(self) -> None:
        """A request that went through may have logged someone out, reset a password or
        deactivated an account: give those accounts their test password back, active, and sign
        them in again."""
        now = self.accounts()
        changed = [pid for pid, row in now.items() if row != self.account_rows.get(pid)]
        if changed:
            db.session.execute(
                update(Employee)
                .where(Employee.id.in_(changed))
                .values(
                    active=True, must_change_password=False, password_hash=factories.password_hash()
                )
            )
            db.session.commit()
            now = self.accounts()
        for role, pid in self.ids.items():
            if pid in changed:
                self.clients.pop(role, None)
        self.account_rows = now

    def snapshot(self) -> dict[str, tuple[str, ...]]:
        """Per table its rows as text (so an UPDATE counts, not only the row count), read in one
        statement; plus the files under the upload and import folders (both live in the parent
        of UPLOAD_FOLDER)."""
        db.session.expire_all()
        rows: dict[str, list[str]] = {table.name: [] for table in db.metadata.sorted_tables}
        for name, text in db.session.execute(_all_rows()):
            rows[name].append(text)
        state = {name: tuple(sorted(texts)) for name, texts in rows.items()}
        state[FILES] = self.files()
        db.session.rollback()
        return state

    def files(self) -> tuple[str, ...]:
        root = Path(self.app.config["UPLOAD_FOLDER"]).parent
        return tuple(
            sorted(
                os.path.relpath(os.path.join(folder, name), root)
                for sub in ("uploads", "imports")
                for folder, _dirs, names in os.walk(root / sub)
                for name in names
            )
        )

    def _record_write(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if WRITE.search(statement):
            self.writes.append(statement)

    def post(self, endpoint: str, role: str, payload: dict, headers: dict, multipart: bool):
        db.session.rollback()
        self.writes.clear()
        client = self.client(role)
        # The state checked after the last refusal still holds unless something wrote since.
        if self.state is None or self.writes:
            self.state = self.snapshot()
        before, self.state = self.state, None
        self.writes.clear()
        data = {
            key: (BytesIO(value[1]), value[2])
            if isinstance(value, tuple) and value[:1] == (FILE,)
            else value
            for key, value in payload.items()
        }
        options = {"content_type": "multipart/form-data"} if multipart else {}
        try:
            with client.post(self.url(endpoint), data=data, headers=headers, **options) as response:
                status = response.status_code
        except Exception:
            db.session.rollback()  # TESTING propagates a view's exception: it is the 500
            self.clients.clear()
            raise
        # Production ends every request with a rollback (the session is removed): whatever a
        # refusing view left uncommitted is not stored.
        db.session.rollback()
        assert status < 500, f"{endpoint} as {role}: {status}"
        if 400 <= status < 500:
            if not self.writes and self.files() == before[FILES]:
                # No INSERT, UPDATE or DELETE reached the database: nothing can be stored, and
                # the state read before still holds (this saves a snapshot per refusal).
                self.state = before
                return
            after = self.snapshot()
            changed = sorted(
                name
                for name in before
                if before[name] != after[name] and name not in MAY_CHANGE_ON_REFUSAL
            )
            self.state = after
            assert not changed, f"{endpoint} as {role} answered {status} but stored: " + "; ".join(
                f"{name} ({len(before[name])} -> {len(after[name])} entries) "
                f"-{sorted(set(before[name]) - set(after[name]))[:3]} "
                f"+{sorted(set(after[name]) - set(before[name]))[:3]}"
                for name in changed
            )
        else:
            self.after_success()


FILES = "<files>"
# A statement that may change a row (a false positive, e.g. SELECT ... FOR UPDATE, only costs a
# snapshot): the bound values are parameters, so junk input never appears in the SQL text.
WRITE = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE|TRUNCATE|REPLACE)\b", re.IGNORECASE)

ACCOUNT = (
    Employee.id,
    Employee.active,
    Employee.must_change_password,
    Employee.password_hash,
    Employee.session_version,
)


@functools.cache
def _all_rows():
    """SELECT <table name>, <the row as text> for every row of every table, as one UNION ALL
    (one round trip instead of one query per table)."""
    selects = []
    for table in db.metadata.sorted_tables:
        # Constants inline, not as parameters: the same SQL text every time (PostgreSQL plans a
        # 45-part UNION noticeably faster from its cache).
        parts = [func.coalesce(cast(c, Text), literal_column("'<null>'")) for c in table.columns]
        text = parts[0]
        for part in parts[1:]:
            text = text.op("||")(literal_column("'|'")).op("||")(part)
        selects.append(select(literal_column(f"'{table.name}'").label("t"), text.label("row")))
    return union_all(*selects)


@pytest.fixture
def app_config() -> dict:
    """The login limits stay on but high: every example may sign a role in again (after a request
    that went through), and a shrinking run makes hundreds of examples. test_auth_security.py
    tests the limits themselves."""
    return {
        "LOGIN_ATTEMPTS_PER_IP": "10000 per minute",
        "LOGIN_FAILURES_PER_ACCOUNT": "10000 per minute",
    }


@pytest.fixture
def fuzz(app, org) -> Iterator[Fuzz]:
    fuzz = Fuzz(app, org)
    yield fuzz
    event.remove(db.engine, "before_cursor_execute", fuzz._record_write)


@pytest.mark.parametrize("endpoint", POST_ENDPOINTS)
@SETTINGS
@given(data=st.data())
def test_bad_input_gives_no_500_and_refusals_store_nothing(fuzz, endpoint, data):
    role = data.draw(st.sampled_from(fuzz.roles(endpoint)), label="role")
    headers = data.draw(st.sampled_from([{}, HX, {**HX, "HX-Boosted": "true"}]), label="headers")
    multipart = data.draw(st.booleans(), label="multipart")
    payload = fuzz.draw_payload(data, endpoint)
    fuzz.post(endpoint, role, payload, headers, multipart)


# --- the net is complete -------------------------------------------------------------------
def test_every_post_route_is_fuzzed(app):
    assert [rule.endpoint for rule in _post_rules(app)] == POST_ENDPOINTS


def test_direct_form_keys_are_all_listed():
    root = Path(blueprints.__file__).parent
    keys = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and (key := _form_key(node)):
                keys.add(key)
            if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "request.form":
                key = node.slice
                keys.add(key.value if isinstance(key, ast.Constant) else ast.unparse(key))
    assert keys == set(DIRECT_FORM_KEYS), sorted(keys ^ set(DIRECT_FORM_KEYS))


def test_every_form_class_gives_field_names(app):
    """The walk finds the forms, and each route's view maps to its forms' fields."""
    classes = _form_classes()
    names = {cls.__name__ for cls in classes}
    assert {"LoginForm", "FeedbackForm", "EmployeeForm", "WaveForm", "SettingsForm"} <= names
    for cls in classes:
        _form_fields(app, cls)  # every form can be built
    forms, _answers, _keys = _view_forms(app.view_functions["admin.unit_move"])
    assert any(prefix == "move" for _cls, prefix in forms)
    assert _view_forms(app.view_functions["surveys.submit"])[1]
