#!/usr/bin/env python3
"""Checks a Relais NDJSON export (npm run relais -- audit export) with Python's standard library only.

    python3 verify-export.py export.ndjson             # exit 0: every hash holds; 1: the first line that does not
    python3 verify-export.py --partial export.ndjson   # a period's export: streams may start past version 1
    python3 verify-export.py --seals seals.ndjson export.ndjson
                                                       # a whole-log export, also against relais-audit's seals

Each event's hash is sha256(previousHash || UTF-8 of the RFC 8785 canonical JSON of
{streamId, streamVersion, eventId, type, data, metadata, recordedAt}); a stream's version 1 follows 32
zero bytes, and each later line of a stream must follow the hash of its previous version.

Seal n (docs/audit-seals.md) covers the events eventCount_{n-1}+1 .. eventCount_n in reading order
(transactionId, then position): digest_n = sha256(digest_{n-1} || be64(eventCount_n) || for each of
those events be64(position) || hash), digest_0 = 32 zero bytes.
"""
import hashlib
import json
import sys

GENESIS = "0" * 64


def number(value):
    # RFC 8785 writes numbers as ECMAScript does: integers without a fraction, others in shortest form.
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    if isinstance(value, float):
        text = repr(value)
        if "e" in text:
            mantissa, exponent = text.split("e")
            text = f"{mantissa}e{'+' if int(exponent) > 0 else '-'}{abs(int(exponent))}"
        return text
    return str(value)


def canonical(value):
    # RFC 8785 (JCS): sorted keys (by UTF-16 code units), no spaces, strings as JSON writes them.
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: k.encode("utf-16-be"))
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + canonical(value[k]) for k in keys) + "}"
    if isinstance(value, list):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return number(value)
    return json.dumps(value, ensure_ascii=False)


def main(path, partial):
    last = {}  # streamId -> (version, hash)
    with open(path, encoding="utf-8") as lines:
        for n, line in enumerate(lines, 1):
            e = json.loads(line)
            hashed = {k: e[k] for k in ("streamId", "streamVersion", "eventId", "type", "data", "metadata", "recordedAt")}
            digest = hashlib.sha256(bytes.fromhex(e["previousHash"]) + canonical(hashed).encode("utf-8")).hexdigest()
            problem = None
            if digest != e["hash"]:
                problem = "hash does not match the event's content"
            elif e["streamVersion"] == 1 and e["previousHash"] != GENESIS:
                problem = "a first version that does not follow the genesis hash"
            elif e["streamId"] in last and last[e["streamId"]][0] == e["streamVersion"] - 1 and last[e["streamId"]][1] != e["previousHash"]:
                problem = "does not follow the hash of its stream's previous version"
            elif e["streamId"] in last and last[e["streamId"]][0] >= e["streamVersion"]:
                problem = "a version repeated or out of order"
            elif not partial and last.get(e["streamId"], (0, None))[0] != e["streamVersion"] - 1:
                problem = f"version {last.get(e['streamId'], (0, None))[0] + 1} of the stream is missing"
            if problem:
                print(f"line {n} (position {e['position']}, {e['streamId']} v{e['streamVersion']}): {problem}")
                return 1
            last[e["streamId"]] = (e["streamVersion"], e["hash"])
    print(f"ok: {n if last else 0} events, {len(last)} streams, every hash holds")
    return 0


def check_seals(path, seals_path):
    events = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            e = json.loads(line)
            events.append((int(e["transactionId"]), int(e["position"]), bytes.fromhex(e["hash"])))
    events.sort()
    seals = []
    with open(seals_path, encoding="utf-8") as lines:
        for line in lines:
            try:
                s = json.loads(line)
            except ValueError:
                continue  # a line cut short by a crash
            if s.get("kind", "seal") == "seal":
                seals.append(s)
    seals.sort(key=lambda s: int(s["seal"]))
    digest, count = bytes(32), 0
    for s in seals:
        end = int(s["eventCount"])
        if s["previousDigest"] != digest.hex() or end > len(events):
            print(f"seal {s['seal']}: the export does not reach it, or the seals do not follow one another")
            return 1
        h = hashlib.sha256(digest + end.to_bytes(8, "big"))
        for _, position, event_hash in events[count:end]:
            h.update(position.to_bytes(8, "big") + event_hash)
        if h.hexdigest() != s["digest"] or events[end - 1][1] != int(s["position"]):
            first, last = events[count][1], events[end - 1][1]
            print(f"seal {s['seal']} (positions {first}..{last}): the exported events do not give its digest")
            return 1
        digest, count = bytes.fromhex(s["digest"]), end
    print(f"ok: {len(seals)} seals hold over the first {count} events")
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    code = main(args[-1], "--partial" in args[:-1])
    if code == 0 and "--seals" in args[:-1]:
        code = check_seals(args[-1], args[args.index("--seals") + 1])
    sys.exit(code)
