"""Dump the official Python SDK's per-field and per-operation docstrings, grouped, for the people
writing this project's English descriptions.

usage: facts.py <swr|hss|metastudio|projectman> <output directory>

Writes <output directory>/<svc>/ops.jsonl and fields.jsonl. The output holds the official (not
English) text and is a working aid: it is written under target/ and never committed. A field group
is one (attribute name, docstring) pair with every place it occurs ("Model.attribute", where a
request's parameters are "<Operation>Request.<attribute>").
"""
import collections
import hashlib
import importlib
import inspect
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from extract import SERVICES, find_client, is_deprecated  # noqa: E402


def clean(doc):
    if not doc:
        return ""
    lines = []
    for line in doc.splitlines():
        s = line.strip()
        if s.startswith((":return:", ":rtype:", ":param", ":type")) or s.startswith("Gets the ") or "API Explorer" in s:
            continue
        lines.append(s)
    return re.sub(r"\s+", " ", " ".join(lines)).strip()


def main(svc, out):
    cfg = SERVICES[svc]
    mod, client_cls = find_client(cfg["pkg"], cfg["module"])
    os.makedirs(os.path.join(out, svc), exist_ok=True)
    methods = sorted(n for n, v in vars(client_cls).items()
                     if not n.startswith("_") and callable(v) and ("_%s_http_info" % n) in vars(client_cls))
    with open(os.path.join(out, svc, "ops.jsonl"), "w", encoding="utf-8") as f:
        for m in methods:
            fn = vars(client_cls)[m]
            src = inspect.getsource(getattr(client_cls, "_%s_http_info" % m))
            rt = re.search(r'"response_type": "(\w+)Response"', src).group(1)
            f.write(json.dumps({"id": rt, "deprecated": is_deprecated(fn), "doc": clean(fn.__doc__)},
                               ensure_ascii=False) + "\n")
    groups = collections.OrderedDict()
    for name in sorted(dir(mod)):
        cls = getattr(mod, name)
        if not isinstance(cls, type) or not hasattr(cls, "openapi_types"):
            continue
        for attr, t in cls.openapi_types.items():
            prop = cls.__dict__.get(attr)
            doc = clean(prop.__doc__) if isinstance(prop, property) else ""
            key = (attr, doc)
            g = groups.setdefault(key, {"name": attr, "type": t, "doc": doc, "at": []})
            g["at"].append("%s.%s" % (name, attr))
    with open(os.path.join(out, svc, "fields.jsonl"), "w", encoding="utf-8") as f:
        for (attr, doc), g in sorted(groups.items()):
            g["id"] = attr + "#" + hashlib.sha1(doc.encode()).hexdigest()[:6]
            f.write(json.dumps({"id": g["id"], "name": attr, "type": g["type"], "at": g["at"], "doc": g["doc"]},
                               ensure_ascii=False) + "\n")
    print("%s: %d operations, %d field groups" % (svc, len(methods), len(groups)))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
