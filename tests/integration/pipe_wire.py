"""The control pipe's wire format (docs/pipe-protocol.md) for the tests
that talk to the service frame by frame: fields, records and frames
written, and replies read back strictly."""

import json
import subprocess
import struct

FRAME_MAX = 1024 * 1024
INT, STR, BOOL, BEGIN, END = 1, 2, 3, 4, 5


def f_int(tag, value):
    return struct.pack("<HBq", tag, INT, value)


def f_str(tag, text):
    data = text.encode() if isinstance(text, str) else text
    return struct.pack("<HBI", tag, STR, len(data)) + data


def f_bool(tag, value):
    return struct.pack("<HBB", tag, BOOL, 1 if value else 0)


def f_record(tag, *fields):
    return struct.pack("<HB", tag, BEGIN) + b"".join(fields) + struct.pack("<HB", 0, END)


def frame(message, request_id, *fields, flags=0):
    payload = struct.pack("<HHI", message, flags, request_id) + b"".join(fields)
    return struct.pack("<I", len(payload)) + payload


def decode_fields(body):
    """TLV fields into a list of (tag, value); a record's value is its own
    list. Strict: anything the document does not allow raises."""
    stack, out, i = [], [], 0
    while i < len(body):
        tag, typ = struct.unpack_from("<HB", body, i)
        i += 3
        if typ == INT:
            out.append((tag, struct.unpack_from("<q", body, i)[0]))
            i += 8
        elif typ == BOOL:
            assert body[i] in (0, 1), "BOOL %d" % body[i]
            out.append((tag, bool(body[i])))
            i += 1
        elif typ == STR:
            n = struct.unpack_from("<I", body, i)[0]
            assert i + 4 + n <= len(body), "STR past the end"
            out.append((tag, body[i + 4:i + 4 + n].decode("utf-8")))
            i += 4 + n
        elif typ == BEGIN:
            inner = []
            out.append((tag, inner))
            stack.append(out)
            out = inner
        elif typ == END:
            assert stack, "END without BEGIN"
            out = stack.pop()
        else:
            raise AssertionError("unknown field type %d" % typ)
    assert not stack, "record left open"
    return out


class Frame:
    def __init__(self, message, flags, request_id, fields):
        self.message, self.flags, self.request_id, self.fields = \
            message, flags, request_id, fields

    def get(self, tag, default=None):
        for t, v in self.fields:
            if t == tag:
                return v
        return default

    def records(self, tag):
        return [dict_of(v) for t, v in self.fields if t == tag and isinstance(v, list)]

    def __repr__(self):
        return "Frame(%d, id %d, %r)" % (self.message, self.request_id, self.fields)


def dict_of(fields):
    """A record's fields by tag (nested records under their tag, as lists)."""
    d = {}
    for t, v in fields:
        if isinstance(v, list):
            d.setdefault(t, []).append(dict_of(v))
        else:
            d[t] = v
    return d


def decode_frames(data):
    """Whole frames; returns (frames, leftover octets)."""
    frames, i = [], 0
    while len(data) - i >= 4:
        n = struct.unpack_from("<I", data, i)[0]
        assert 8 <= n <= FRAME_MAX, "frame length %d" % n
        if len(data) - i - 4 < n:
            break
        message, flags, request_id = struct.unpack_from("<HHI", data, i + 4)
        frames.append(Frame(message, flags, request_id,
                            decode_fields(data[i + 12:i + 4 + n])))
        i += 4 + n
    return frames, len(data) - i


# ---- pipe_probe: the service's pipe, from inside the prefix ------------------

HELLO_OK = 2


def probe_cmd(exe, *args, timeout_ms=5000):
    return ["wine", str(exe), "--timeout-ms", str(timeout_ms)] + [str(a) for a in args]


def probe(exe, env, *args, timeout_ms=5000, expect_rc=(0,)):
    """Runs pipe_probe (tests/tools) to the end; returns its JSON."""
    cmd = probe_cmd(exe, *args, timeout_ms=timeout_ms)
    proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          errors="replace", env=env, timeout=120)
    if proc.returncode not in expect_rc:
        raise AssertionError("pipe_probe %s exited with %d:\n%s%s" % (
            " ".join(map(str, args)), proc.returncode, proc.stdout, proc.stderr))
    try:
        return json.loads(proc.stdout)
    except ValueError:
        raise AssertionError("pipe_probe %s printed no JSON:\n%s%s" % (
            " ".join(map(str, args)), proc.stdout, proc.stderr))


class Exchange:
    """One raw connection: what was written, what came back."""

    def __init__(self, out):
        self.out = out
        self.bytes = bytes.fromhex(out["received"])
        self.frames, self.leftover = decode_frames(self.bytes)
        self.closed = out["closed"]
        self.written = out["written"]

    def __repr__(self):
        return "Exchange(closed=%s, written=%d, frames=%r)" % (
            self.closed, self.written, self.frames)


def raw(exe, env, *pieces, frames=0, hold_ms=5000):
    """Writes the pieces (bytes, '@N' filler, '~MS' pauses) on one
    connection; reads until `frames` replies came (0: until the service
    closes or hold_ms passed)."""
    args = ["raw", "--hold-ms", hold_ms]
    if frames:
        args += ["--frames", frames]
    args += [p.hex() if isinstance(p, bytes) else p for p in pieces]
    return Exchange(probe(exe, env, *args))


def call(exe, env, hello_frame, *requests):
    """`hello_frame`, then the requests on one connection; returns their
    replies (after HELLO_OK)."""
    ex = raw(exe, env, hello_frame, *requests, frames=1 + len(requests))
    assert len(ex.frames) == 1 + len(requests), ex
    assert ex.frames[0].message == HELLO_OK, ex
    return ex.frames[1:]
