"""Line-delimited JSON on stdin/stdout (docs/worker-protocol.md): one request per line in, one answer
per line out, in order. Nothing else may reach the protocol's stdout: `main` moves file descriptor 1
to stderr before any framework is imported, so that even native libraries' prints land in the log."""
from __future__ import annotations

import json
import os
import sys
from typing import IO, Any

from .worker import Worker

_out: IO[str] | None = None


def write_raw(line: str) -> None:
    """Writes one line to the protocol stream (tests of a babbling worker use it directly)."""
    assert _out is not None
    _out.write(line + '\n')
    _out.flush()


def _answer(answer: dict[str, Any]) -> None:
    try:
        text = json.dumps(answer, separators=(',', ':'), allow_nan=False)
    except (TypeError, ValueError) as error:
        text = json.dumps({'id': answer.get('id', -1), 'ok': False, 'error': {'message': f'the answer could not be encoded: {error}', 'phase': 'protocol'}})
    write_raw(text)


def serve(stdin: IO[str], stdout: IO[str], worker: Worker | None = None) -> int:
    """Answers requests from `stdin` on `stdout` until shutdown or end of input; returns the exit code."""
    global _out
    _out = stdout
    worker = worker or Worker()
    while True:
        line = stdin.readline()
        if line == '':
            break
        if line.strip() == '':
            continue
        try:
            request = json.loads(line)
        except json.JSONDecodeError as error:
            _answer({'id': -1, 'ok': False, 'error': {'message': f'not a JSON request: {error}', 'phase': 'protocol'}})
            continue
        _answer(worker.handle(request))
        if worker.shutdown_requested:
            break
    return 0


def main() -> int:
    # The protocol keeps a private copy of stdout; fd 1 itself (and so sys.stdout, print and any C
    # library writing to it) now goes to stderr.
    protocol_fd = os.dup(1)
    os.dup2(2, 1)
    stdout = os.fdopen(protocol_fd, 'w', encoding='utf-8', buffering=1)
    sys.stdout = sys.stderr
    stdin = sys.stdin if sys.stdin.encoding.lower().replace('-', '') == 'utf8' else open(sys.stdin.fileno(), encoding='utf-8', closefd=False)
    return serve(stdin, stdout)
