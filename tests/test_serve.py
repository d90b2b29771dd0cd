"""``mentor-rules serve`` through real server processes on 127.0.0.1: the API's answers are
the library's, its errors are the CLI's error documents with the statuses of docs/serve.md, every
document matches its published schema (through the OpenAPI document), the guards hold (body
size, time bound, CORS only when asked), the page escapes what it is sent, and the processes end.
"""

from __future__ import annotations

import html
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from _server import Server, alive, children, running, stop
from mentor_rules import Advisor, explanation_to_dict
from mentor_rules.cli import example_document, main
from mentor_rules.io.schemas import SCHEMAS
from mentor_rules.model.documents import advice_to_dict
from mentor_rules.service.openapi import COMPONENTS, openapi
from mentor_rules.service.page import situation_from_form

pytest.importorskip("starlette", reason="the serve extra is not installed")
pytestmark = pytest.mark.skipif(
    not os.path.isdir("/proc"), reason="the tests read the server's worker processes from /proc"
)

PARAMETERS = {"newcomer_months": 6}
ORIGIN = "https://intranet.example.com"


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with running(["--workers", "2", "--param", "newcomer_months=6"]) as started:
        yield started


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor(parameters=PARAMETERS)


def _valid(document: object, component: str) -> None:
    """``document`` matches the OpenAPI document's schema ``component`` (a published one)."""
    schema = {"$ref": f"#/components/schemas/{component}", **openapi()}
    Draft202012Validator(schema).validate(document)


def _error(reply: Any, status: int, source: str) -> list[dict[str, str]]:
    assert reply.status == status, reply.body[:500]
    assert reply.headers["content-type"] == "application/json"
    document = reply.json()
    _valid(document, "error")
    Draft202012Validator(SCHEMAS["error"]()).validate(document)
    assert document["source"] == source
    problems: list[dict[str, str]] = document["error"]
    return problems


# --------------------------------------------------------------------------- the API


def test_advise_answers_the_library_s_advice(server: Server, advisor: Advisor) -> None:
    document = example_document()
    reply = server.post_json("/v1/advise", document)
    assert reply.status == 200
    assert reply.headers["content-type"] == "application/json"
    assert reply.json() == advice_to_dict(advisor.advise(document))
    _valid(reply.json(), "advice")


def test_explain_answers_the_library_s_explanation(server: Server, advisor: Advisor) -> None:
    document = example_document()
    request = {"situation": document, "candidate": "Tom Becker", "bound": 3}
    _valid(request, "explain-request")
    reply = server.post_json("/v1/explain", request)
    assert reply.status == 200, reply.body
    expected = explanation_to_dict(advisor.explain(document, "Tom Becker", bound=3))
    assert reply.json() == expected
    _valid(reply.json(), "explanation")


def test_match_answers_the_library_s_matching(server: Server, advisor: Advisor) -> None:
    from mentor_rules.io.programme_report import match_to_dict
    from mentor_rules.programme.document import programme_from_dict
    from mentor_rules.programme.match import match

    path = Path(__file__).resolve().parents[1] / "examples" / "programme" / "erg-cohort.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    reply = server.post_json("/v1/match", document)
    assert reply.status == 200, reply.body[:500]
    assert reply.json() == match_to_dict(match(programme_from_dict(document), advisor))
    _valid(reply.json(), "programme-result")
    broken = {**document, "mentors": [{**document["mentors"][0], "capacity": -1}]}
    problems = _error(server.post_json("/v1/match", broken), 422, "POST /v1/match")
    assert "mentors[0].capacity" in {p["path"] for p in problems}


def test_an_invalid_situation_is_422_with_every_problem_and_its_path(server: Server) -> None:
    document = {"candidates": [{"name": "Dana", "relation": "boss"}, {"relation": "peer"}]}
    problems = _error(server.post_json("/v1/advise", document), 422, "POST /v1/advise")
    paths = {p["path"] for p in problems}
    assert {"candidates[0].relation", "candidates[1].name"} <= paths


def test_an_invalid_explain_request_names_each_field(server: Server) -> None:
    request = {"situation": {"candidates": [{"name": "Dana", "relation": "bos"}]}, "bound": 11}
    problems = _error(server.post_json("/v1/explain", request), 422, "POST /v1/explain")
    assert {p["path"] for p in problems} == {
        "situation.candidates[0].relation",
        "candidate",
        "bound",
    }
    request = {"situation": example_document(), "candidate": "Nobody"}
    [problem] = _error(server.post_json("/v1/explain", request), 422, "POST /v1/explain")
    assert problem["path"] == "candidate"
    assert "'Tom Becker'" in problem["message"]


def test_a_body_that_is_not_json_is_400(server: Server) -> None:
    [problem] = _error(server.call("POST", "/v1/advise", b"{nope"), 400, "POST /v1/advise")
    assert problem["path"] == ""
    assert "not valid JSON" in problem["message"]
    [problem] = _error(server.call("POST", "/v1/advise", b"\xff\xfe"), 400, "POST /v1/advise")
    assert "not UTF-8" in problem["message"]


def _raw(server: Server, head: bytes, body: bytes = b"") -> bytes:
    """The server's answer to a request sent as bytes; the body is sent only as far as the
    server must read (more, unread, would make its closing reset the connection)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=60) as raw:
        raw.sendall(head + body)
        answer = b""
        while chunk := raw.recv(65536):
            answer += chunk
    return answer


def _status_and_document(answer: bytes) -> tuple[bytes, Any]:
    head, _, body = answer.partition(b"\r\n\r\n")
    return head.split(b"\r\n")[0], json.loads(body)


def test_a_body_over_the_limit_is_413_whether_declared_or_not(server: Server) -> None:
    most = 4 * 2**20
    # declared too long: refused before a byte of it is read
    head = b"POST /v1/advise HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % (most + 1)
    status, document = _status_and_document(_raw(server, head))
    assert status.startswith(b"HTTP/1.1 413 ")  # the phrase: "Content Too Large" from 3.13
    _valid(document, "error")
    assert "max_document_bytes" in document["error"][0]["message"]
    # not declared (chunked): read up to the limit, and no further
    head = b"POST /v1/advise HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    chunk = b"0" * 2**20
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(4)) + b"1\r\n0"
    status, document = _status_and_document(_raw(server, head, body))
    assert status.startswith(b"HTTP/1.1 413 ")  # the phrase: "Content Too Large" from 3.13
    _valid(document, "error")


def test_unknown_paths_and_methods_answer_an_error_document(server: Server) -> None:
    _error(server.call("GET", "/v2/advise"), 404, "GET /v2/advise")
    _error(server.call("GET", "/v1/advise"), 405, "GET /v1/advise")
    [problem] = _error(server.call("GET", "/v1/schema/nothing"), 404, "GET /v1/schema/nothing")
    assert problem["path"] == "name"


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_schema_answers_what_mentor_rules_schema_prints(server: Server, name: str) -> None:
    reply = server.call("GET", f"/v1/schema/{name}")
    assert reply.status == 200
    assert reply.json() == SCHEMAS[name]()


def test_rules_answers_the_rule_set_in_force(server: Server, advisor: Advisor) -> None:
    reply = server.call("GET", "/v1/rules")
    assert reply.status == 200
    document = reply.json()
    _valid(document, "rules-in-force")
    assert document["rules"] == sorted(advisor.rules.ids)
    assert document["rule_set"]["parameters"]["newcomer_months"] == 6
    assert document["engine"] == advisor.engine
    assert document["limits"]["max_candidates"] == advisor.limits.max_candidates


def test_health_says_how_many_workers_run(server: Server) -> None:
    reply = server.call("GET", "/health")
    assert reply.status == 200
    assert reply.json()["status"] == "ok"
    assert reply.json()["workers"] == reply.json()["ready"] == 2
    _valid(reply.json(), "health")


def test_the_openapi_document_holds_the_published_schemas(server: Server) -> None:
    document = server.call("GET", "/openapi.json").json()
    assert document == openapi()
    assert document["openapi"].startswith("3.1")
    schemas = document["components"]["schemas"]
    for name in COMPONENTS:
        published = SCHEMAS[name]()
        assert schemas[name]["title"] == published["title"]
        assert set(schemas[name]["properties"]) == set(published["properties"])
        for def_name in published.get("$defs", {}):
            assert f"{name}.{def_name}" in schemas
        Draft202012Validator.check_schema(schemas[name])
    text = json.dumps(document)
    assert "#/$defs/" not in text  # every reference points into the components
    for method in ("post",):
        advise = document["paths"]["/v1/advise"][method]
        assert set(advise["responses"]) == {"200", "400", "413", "422", "503"}


def test_no_cors_headers_unless_configured(server: Server) -> None:
    reply = server.call("POST", "/v1/advise", b"{}", {"Origin": ORIGIN})
    assert reply.status == 200
    assert not any(name.startswith("access-control-") for name in reply.headers)
    preflight = server.call(
        "OPTIONS",
        "/v1/advise",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status == 405


# --------------------------------------------------------------------------- the page


class _Labels(HTMLParser):
    """The ids of the form's fields, and the ids the labels are for."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[str] = []
        self.labelled: set[str] = set()

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        found = dict(attributes)
        if tag in ("input", "select", "textarea") and found.get("type") != "hidden":
            self.fields.append(found.get("id") or "")
        if tag == "label" and found.get("for"):
            self.labelled.add(found["for"] or "")


def test_the_page_labels_every_field_and_sends_a_strict_policy(server: Server) -> None:
    reply = server.call("GET", "/")
    assert reply.status == 200
    assert reply.headers["content-type"] == "text/html; charset=utf-8"
    policy = reply.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script" not in policy  # no script may run, even one that slipped in
    assert b"<script" not in reply.body
    parser = _Labels()
    parser.feed(reply.body.decode("utf-8"))
    assert len(parser.fields) > 20
    assert set(parser.fields) <= parser.labelled, set(parser.fields) - parser.labelled


HOSTILE = {
    "script": "<script>alert(1)</script>",
    "style": "</style><style>*{display:none}</style>",
    "url": "javascript:alert(1)",
    "quote": '" autofocus onfocus="alert(1)',
    "bidi": "Eve\u202eli\u2066x\u2069",
    "escape": "Bad\x1b[31mRed\rX",
}


def test_the_page_escapes_everything_that_came_from_the_request(server: Server) -> None:
    fields = {
        "mentee.name": HOSTILE["script"],
        "mentee.job": HOSTILE["url"],
        "goal0.kind": "advice",
        "goal0.scope": "company",
        "goal0.detail": HOSTILE["style"],
        "person0.name": HOSTILE["bidi"],
        "person0.relation": "skip_level",
        "person0.traits": HOSTILE["quote"],
        "person1.name": HOSTILE["escape"],
        "person1.relation": "peer",
        "person2.name": HOSTILE["url"],
        "person2.relation": "outside",
        "rows": "3",
    }
    from urllib.parse import urlencode

    reply = server.call(
        "POST",
        "/",
        urlencode(fields).encode("ascii"),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert reply.status == 200, reply.body[-2000:]
    text = reply.body.decode("utf-8")
    assert "<script" not in text
    assert text.count("</style>") == 1  # the page's own
    assert 'href="javascript' not in text
    assert 'onfocus="' not in text
    assert html.escape(HOSTILE["script"]) in text
    assert "Eve[U+202E]li[U+2066]x[U+2069]" in text
    assert "Bad[U+001B][31mRed[U+000D]X" in text
    for invisible in ("\u202e", "\u2066", "\x1b", "\r"):
        assert invisible not in text
    # the report is there: the people, sorted into whom to ask, try out or avoid
    assert "Whom to avoid, and why" in text
    assert "Next steps" in text


def _form_fields() -> dict[str, list[str]]:
    """The form filled in for Sam, a data analyst four months in (tests/test_serve_browser.py
    fills the same in a browser)."""
    return {
        "mentee.name": ["Sam Okafor"],
        "mentee.months": ["4"],
        "mentee.job": ["data analyst"],
        "mentee.target_job": ["analytics lead"],
        "mentee.career_move": ["advance"],
        "mentee.wants_to_innovate": ["yes"],
        "goal0.kind": ["advice"],
        "goal0.scope": ["job"],
        "goal0.detail": ["what it takes to lead a team"],
        "goal1.kind": [""],
        "mentee.support_roles": ["adviser", "emotional_connector"],
        "past.setting": ["school"],
        "past.worked": ["patient, asks hard questions"],
        "person0.name": ["Dana Reyes"],
        "person0.relation": ["direct_manager"],
        "person0.conversations": ["5"],
        "person1.name": ["Priya Nair"],
        "person1.relation": ["skip_level"],
        "person1.years_at_company": ["9"],
        "person1.knows_culture": ["yes"],
        "person1.chemistry": ["good"],
        "person1.conversations": ["2"],
        "person1.traits": ["asked hard questions, busy"],
        "person2.name": [""],
        "rows": ["3"],
    }


def test_the_form_builds_the_situation_document_the_api_takes() -> None:
    form = situation_from_form(_form_fields(), max_people=50)
    assert form.problems == ()
    assert form.document == {
        "mentee": {
            "name": "Sam Okafor",
            "job": "data analyst",
            "target_job": "analytics lead",
            "months_at_company": 4,
            "career_move": "advance",
            "wants_to_innovate": True,
            "goals": [{"kind": "advice", "scope": "job", "detail": "what it takes to lead a team"}],
            "support_roles": ["adviser", "emotional_connector"],
            "past_mentors": [{"setting": "school", "worked": ["patient", "asks hard questions"]}],
        },
        "candidates": [
            {"name": "Dana Reyes", "relation": "direct_manager", "conversations": 5},
            {
                "name": "Priya Nair",
                "relation": "skip_level",
                "years_at_company": 9,
                "knows_culture": True,
                "chemistry": "good",
                "conversations": 2,
                "traits": ["asked hard questions", "busy"],
            },
        ],
    }
    _valid(form.document, "situation")


def test_the_form_names_a_number_that_is_not_one_by_its_path() -> None:
    fields = {**_form_fields(), "person1.conversations": ["two"], "mentee.months": ["4.5"]}
    form = situation_from_form(fields, max_people=50)
    assert [(p.path, p.message) for p in form.problems] == [
        ("mentee.months_at_company", "expected a whole number, got '4.5'"),
        ("candidates[1].conversations", "expected a whole number, got 'two'"),
    ]
    assert form.places["candidates[1]"] == "Person 2 (Priya Nair)"


def test_the_page_s_report_is_the_advice_on_the_form_s_situation(
    server: Server, advisor: Advisor
) -> None:
    from urllib.parse import urlencode

    fields = _form_fields()
    body = urlencode(fields, doseq=True).encode("ascii")
    reply = server.call("POST", "/", body, {"Content-Type": "application/x-www-form-urlencoded"})
    assert reply.status == 200
    text = html.unescape(reply.body.decode("utf-8"))
    advice = advisor.advise(situation_from_form(fields, max_people=50).document)
    for step in advice.next_steps[:3]:
        assert " ".join(step.text.split()) in " ".join(text.split())
    assert 'value="Priya Nair"' in text  # the form comes back filled in


# --------------------------------------------------------------------------- the time bound


def _words(rng: random.Random, length: int) -> str:
    """Random three-letter words: what the stemmer is slowest on (benchmarks/limits.py)."""
    return " ".join(
        rng.choice("abcdefghij") + rng.choice("klmnopqrst") + "y" for _ in range(length // 4)
    )


#: Limits under which :func:`_heavy` is a valid situation: twenty times the default candidates.
_ROOMY = {"max_candidates": 1000, "max_document_bytes": 16 * 1024 * 1024}


def _heavy(seed: int, candidates: int = 1000) -> dict[str, Any]:
    """A situation within :data:`_ROOMY` whose advice takes seconds: each candidate costs
    about what one at the default limits does (docs/limits.md: 0.2 s for 50 on the quiet
    machine), so 1,000 take some twenty times a 0.3 s bound, not a margin a faster stemmer or
    machine can close (50 took 0.3 s once, and the test failed when stemming got faster)."""
    rng = random.Random(seed)
    notes = [[_words(rng, 480) for _ in range(10)] for _ in range(20)]
    return {
        "mentee": {
            "past_mentors": [
                {"setting": "school", "worked": notes[n], "did_not_work": notes[n + 10]}
                for n in range(10)
            ]
        },
        "candidates": [
            {
                "name": f"person {n}",
                "relation": "peer",
                "traits": [_words(rng, 480) for _ in range(10)],
            }
            for n in range(candidates)
        ],
    }


def test_a_request_over_the_time_bound_is_stopped_and_its_worker_replaced(
    tmp_path: Path,
) -> None:
    limits = tmp_path / "limits.json"
    limits.write_text(json.dumps(_ROOMY))
    arguments = ["--workers", "1", "--timeout", "0.3", "--limits", str(limits)]
    with running([*arguments, "--cors-origin", ORIGIN, "--engine", "python"]) as bounded:
        [worker] = bounded.workers()
        stopped = bounded.post_json("/v1/advise", _heavy(1))
        [problem] = _error(stopped, 503, "POST /v1/advise")
        assert "time bound (0.3 s)" in problem["message"]
        assert stopped.headers["retry-after"] == "1"
        assert not alive(worker)  # stopped, not left working
        # another worker took its place, and answers
        reply = bounded.post_json("/v1/advise", example_document())
        for _ in range(100):  # while the new worker starts, the answer is 503 (busy)
            if reply.status == 200:
                break
            assert reply.status == 503
            time.sleep(0.5)
            reply = bounded.post_json("/v1/advise", example_document())
        assert reply.status == 200
        assert reply.json() == advice_to_dict(Advisor(engine="python").advise(example_document()))
        [replacement] = bounded.workers()
        assert replacement != worker
        # and this server, told an origin, answers it with CORS headers; no other origin
        allowed = bounded.call("GET", "/health", headers={"Origin": ORIGIN})
        assert allowed.headers["access-control-allow-origin"] == ORIGIN
        other = bounded.call("GET", "/health", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


# --------------------------------------------------------------------------- processes


def test_the_workers_end_with_the_server_even_when_it_is_killed() -> None:
    with running(["--workers", "2"]) as doomed:
        assert len(doomed.workers()) == 2
        workers = children(doomed.process.pid)  # the resource tracker too
        doomed.process.send_signal(signal.SIGKILL)
        doomed.process.wait()
        for _ in range(200):  # each reads end-of-file on its pipe and ends
            if not any(alive(pid) for pid in workers):
                break
            time.sleep(0.1)
        assert not any(alive(pid) for pid in workers)


def test_the_workers_end_when_the_server_is_stopped() -> None:
    with running() as server:
        workers = children(server.process.pid)
        stop(server.process)
        # uvicorn stops gracefully, then ends by the signal it was sent, as its own
        assert server.process.returncode == -signal.SIGTERM
        for _ in range(100):  # the dead are reaped by init once their parent has gone
            if not any(alive(pid) for pid in workers):
                break
            time.sleep(0.1)
        assert not any(alive(pid) for pid in workers)


def test_a_port_in_use_is_a_command_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


def test_the_command_line_does_not_import_the_server_until_it_serves() -> None:
    probe = (
        "import sys, mentor_rules.cli; print('starlette' in sys.modules, 'uvicorn' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.split() == ["False", "False"]


def test_connections_the_server_accepts_send_without_waiting_for_acknowledgements() -> None:
    """The listening socket says TCP, so asyncio (what uvicorn serves with) turns Nagle's
    algorithm off on every connection it accepts: with it on, a response written in two parts
    waited about 40 ms for the client's delayed acknowledgement on a kept-alive connection."""
    import asyncio

    from mentor_rules.service.app import _listen

    async def accepted_nodelay() -> int:
        listening = _listen("127.0.0.1", 0)
        seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            sock = writer.get_extra_info("socket")
            seen.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(on_connect, sock=listening)
        async with server:
            port = listening.getsockname()[1]
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            value = await asyncio.wait_for(seen, 10)
            writer.close()
        return value

    assert asyncio.run(accepted_nodelay()) != 0
