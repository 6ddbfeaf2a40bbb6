#!/usr/bin/env python3
"""Writes the API facts of one Huawei Cloud Python SDK package as an OpenAPI 3.0.3 document.

Usage (inside the venv that `cargo xtask import` creates):

    python extract.py <service> <output path> <overlay path>

<service> is one of swr, hss, metastudio, projectman. The format of the output is spec format v2
(`cargo xtask codegen` reads it). Every fact comes from importing the SDK package and
introspecting it: the client's `_<method>_http_info` builders (parsed with `ast` and then run on
a request whose every attribute holds a distinct sentinel, and both readings must agree), the
models' `openapi_types`, `attribute_map`, `sensitive_list` and `__init__`, and the region table.
Nothing is copied from docstrings (they are not English). English descriptions, limits, examples
and corrections come from the hand-written overlay, a JSON merge patch applied at the end.

Fails loudly (exit 1, message on stderr) on anything it does not understand, on a wrong
operation count, on two operations sharing a path and method, on a `$ref` that does not resolve
and on an overlay entry that matches nothing.
"""

import ast
import collections
import importlib
import inspect
import json
import os
import re
import sys
import textwrap

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import docfacts  # noqa: E402

SDK_VERSION = "3.1.219"  # keep equal to SDK_VERSION in xtask/src/import.rs

SERVICES = {
    "swr": {"pkg": "huaweicloudsdkswr", "module": "v2", "explorer": "SWR", "operations": 174},
    "hss": {"pkg": "huaweicloudsdkhss", "module": "v5", "explorer": "HSS", "operations": 582},
    "metastudio": {"pkg": "huaweicloudsdkmetastudio", "module": "v1", "explorer": "MetaStudio",
                   "operations": 299},
    "projectman": {"pkg": "huaweicloudsdkprojectman", "module": "v4", "explorer": "ProjectMan",
                   "operations": 153},
}

EXPLORER_URL = "https://console.huaweicloud.com/apiexplorer/#/openapi/{explorer}/doc?version={ver}&api={op}"

# Path placeholders the SDK fills from the credentials when the request model has no such field.
SCOPE_PLACEHOLDERS = ("project_id", "domain_id")

# Top-level integer response properties that count all items (pagination detection).
TOTAL_NAMES = ("total", "count", "total_num", "total_count", "total_number")
# Top-level response properties that carry the next page's marker.
NEXT_MARKER_NAMES = ("next_marker", "nextMarker")

OPERATION_KEYS = ["operationId", "summary", "description", "deprecated", "externalDocs",
                  "x-huaweicloud-sdk-method", "x-huaweicloud-content-type", "parameters", "requestBody", "responses",
                  "x-huaweicloud-pagination"]
PARAMETER_KEYS = ["name", "in", "required", "description", "schema", "x-name", "x-sensitive",
                  "x-huaweicloud-scope", "style", "explode", "example"]


class ImportError_(Exception):
    pass


def fail(msg):
    raise ImportError_(msg)


# --------------------------------------------------------------------------------------------
# http_info builders


def _const(node):
    if isinstance(node, ast.Constant):
        return node.value
    fail("expected a constant, found %s" % ast.dump(node))


def _local_var(node):
    """`local_var_params['attr']` -> 'attr', else None."""
    if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
            and node.value.id == "local_var_params"):
        return _const(node.slice)
    return None


def _statements(body):
    """Yields statements in source order, descending into `if` blocks."""
    for stmt in body:
        if isinstance(stmt, ast.If):
            yield ("if", stmt)
            for s in _statements(stmt.body):
                yield s
            if stmt.orelse:
                fail("unexpected else branch at line %d" % stmt.lineno)
        else:
            yield ("stmt", stmt)


def parse_http_info(func, where):
    """Reads an `_x_http_info` builder's source: the facts it puts into http_info."""
    src = textwrap.dedent(inspect.getsource(func))
    tree = ast.parse(src)
    fn = tree.body[0]
    facts = {"method": None, "resource_path": None, "response_type": None, "path": [], "query": [],
             "header": [], "form": [], "body": None, "collection_formats": {},
             "response_headers": [], "content_types": None, "cname": None, "auth_settings": []}
    for kind, stmt in _statements(fn.body):
        try:
            _read_statement(kind, stmt, facts)
        except ImportError_ as e:
            fail("%s, line %d: %s" % (where, stmt.lineno, e))
    return facts


def _read_statement(kind, stmt, facts):
    if kind == "if":
        t = stmt.test
        ok = (isinstance(t, ast.Compare) and len(t.ops) == 1 and isinstance(t.ops[0], ast.In)
              and isinstance(t.comparators[0], ast.Name) and t.comparators[0].id == "local_var_params")
        ok = ok or (isinstance(t, ast.Call) and isinstance(t.func, ast.Name) and t.func.id == "isinstance"
                    and isinstance(t.args[1], ast.Name) and t.args[1].id == "SdkStreamRequest")
        if not ok:
            fail("unknown condition %s" % ast.unparse(t))
        return
    if isinstance(stmt, ast.Return):
        return
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        call = stmt.value
        f = call.func
        if (isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "query_params"
                and f.attr == "append"):
            tup = call.args[0]
            attr = _local_var(tup.elts[1])
            if attr is None:
                fail("query parameter not from the request: %s" % ast.unparse(stmt))
            facts["query"].append((_const(tup.elts[0]), attr))
            return
        fail("unknown call %s" % ast.unparse(stmt))
    if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
        fail("unknown statement %s" % ast.unparse(stmt))
    target, value = stmt.targets[0], stmt.value
    if isinstance(target, ast.Name):
        name = target.id
        if name == "http_info":
            for k, v in zip(value.keys, value.values):
                key = _const(k)
                if key in ("method", "resource_path", "response_type"):
                    facts[key] = _const(v)
                elif key == "request_type":
                    pass
                else:
                    fail("unknown http_info key %r" % key)
            return
        if name in ("local_var_params",):
            return
        if name in ("collection_formats", "path_params", "header_params", "form_params") and \
                isinstance(value, ast.Dict) and not value.keys:
            return
        if name == "query_params" and isinstance(value, ast.List) and not value.elts:
            return
        if name == "cname":
            facts["cname"] = _const(value)
            return
        if name == "body":
            if isinstance(value, ast.Constant) and value.value is None:
                return
            attr = _local_var(value)
            if attr is not None:
                facts["body"] = attr
                return
            if isinstance(value, ast.Call) and ast.unparse(value) == "request.get_file_stream()":
                return
            fail("unknown body %s" % ast.unparse(stmt))
        if name == "response_headers":
            facts["response_headers"] = [_const(e) for e in value.elts]
            return
        if name == "auth_settings":
            facts["auth_settings"] = [_const(e) for e in value.elts]
            return
        fail("unknown assignment %s" % ast.unparse(stmt))
    if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
        container, key = target.value.id, _const(target.slice)
        if container == "http_info":
            return  # http_info["x"] = x copies the locals read above
        if container == "collection_formats":
            facts["collection_formats"][key] = _const(value)
            return
        if container == "header_params" and key == "Content-Type":
            call = value
            if not (isinstance(call, ast.Call) and ast.unparse(call.func) == "http_utils.select_header_content_type"):
                fail("unknown Content-Type %s" % ast.unparse(stmt))
            facts["content_types"] = [_const(e) for e in call.args[0].elts]
            return
        attr = _local_var(value)
        if attr is None:
            fail("unknown assignment %s" % ast.unparse(stmt))
        if container == "path_params":
            facts["path"].append((key, attr))
            return
        if container == "header_params":
            facts["header"].append((key, attr))
            return
        if container == "form_params":
            facts["form"].append((key, attr))
            return
    fail("unknown assignment %s" % ast.unparse(stmt))


def run_http_info(client_cls, name, request_cls, facts, where):
    """Runs the builder on a request whose attributes hold distinct sentinels; checks the AST facts."""
    from huaweicloudsdkcore.utils import http_utils

    sentinel = {a: "\x00%s\x00" % a for a in request_cls.openapi_types}
    request = request_cls(**sentinel) if sentinel else request_cls()
    raw = inspect.getattr_static(client_cls, name)
    if isinstance(raw, classmethod):
        info = getattr(client_cls, name)(request)
    elif isinstance(raw, staticmethod):
        info = raw.__func__(request)
    else:
        info = getattr(client_cls.__new__(client_cls), name)(request)

    def check(what, got, want):
        if got != want:
            fail("%s: %s differs between the source (%r) and a run (%r)" % (where, what, want, got))

    check("method", info["method"], facts["method"])
    check("resource_path", info["resource_path"], facts["resource_path"])
    check("response_type", info["response_type"], facts["response_type"])
    check("request_type", info["request_type"], request_cls.__name__)
    present = lambda pairs: [(w, sentinel[a]) for w, a in pairs if a in request_cls.attribute_map]
    check("path_params", sorted(info["path_params"].items()), sorted(present(facts["path"])))
    check("query_params", list(info["query_params"]), present(facts["query"]))
    headers = dict(info["header_params"])
    ctype = headers.pop("Content-Type", None)
    check("header_params", sorted(headers.items()), sorted(present(facts["header"])))
    check("post_params", sorted(info["post_params"].items()), sorted(present(facts["form"])))
    want_body = sentinel[facts["body"]] if facts["body"] in sentinel else None
    check("body", info["body"], want_body)
    check("response_headers", list(info["response_headers"]), facts["response_headers"])
    check("collection_formats", info["collection_formats"], facts["collection_formats"])
    check("cname", info["cname"], facts["cname"])
    if facts["content_types"] is None:
        fail("%s: no Content-Type" % where)
    check("Content-Type", ctype, http_utils.select_header_content_type(list(facts["content_types"])))
    return ctype


# --------------------------------------------------------------------------------------------
# models


def is_deprecated(func):
    tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and ast.unparse(node.func) == "warnings.warn"
                and any(isinstance(a, ast.Name) and a.id == "DeprecationWarning" for a in node.args)):
            return True
    return False


_required_cache = {}


def required_attrs(cls):
    """Attributes `__init__` assigns unconditionally (`self.x = x` at its top level)."""
    if cls in _required_cache:
        return _required_cache[cls]
    init = cls.__dict__.get("__init__")
    req = []
    if init is not None:
        fn = ast.parse(textwrap.dedent(inspect.getsource(init))).body[0]
        for stmt in fn.body:
            if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                    and isinstance(stmt.targets[0], ast.Attribute)
                    and isinstance(stmt.targets[0].value, ast.Name) and stmt.targets[0].value.id == "self"
                    and isinstance(stmt.value, ast.Name) and stmt.value.id == stmt.targets[0].attr):
                req.append(stmt.targets[0].attr)
    unknown = [a for a in req if a not in cls.openapi_types]
    if unknown:
        fail("%s.__init__ assigns unknown attributes %s" % (cls.__name__, unknown))
    _required_cache[cls] = req
    return req


def enum_values(cls):
    values = []
    for k, v in cls.__dict__.items():
        if re.fullmatch(r"_?[A-Z][A-Z0-9_]*", k) and isinstance(v, str):
            values.append(v)
    return values


def with_doc_facts(schema, cls, attr):
    """`schema` with the structured facts of `cls.attr`'s docstring (docfacts.py): allowed values
    as an inline `enum` (hoisted into named schemas by `hoist_enums`), lengths, ranges and a
    default. No docstring text is kept."""
    prop = cls.__dict__.get(attr)
    doc = prop.__doc__ if isinstance(prop, property) else None
    found = docfacts.facts(doc or "", cls.openapi_types[attr])
    values = found.pop("enum", None)
    target = schema.get("items", schema) if schema.get("type") == "array" else schema
    if values and target.get("type") == "string" and "format" not in target:
        target["enum"] = values
        target["x-enum-owner"] = [cls.__name__, attr]
    if schema.get("type") in ("string", "integer", "number", "boolean"):
        schema.update(found)
    return schema


def camel(name):
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name) if part)


def hoist_enums(doc):
    """Moves every inline `enum` into a named string schema under components/schemas and
    `$ref`s it. Fields with the same name and the same values share one schema, named after the
    field (`HostStatus`); when one field name has several value sets, or the plain name is taken
    by a model, the schema is named after its first owner too (`ListHostStatusRequestHostStatus`)."""
    schemas = doc["components"]["schemas"]
    sites = []

    def walk(node):
        if isinstance(node, dict):
            if "enum" in node and "x-enum-owner" in node:
                sites.append(node)
                return
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(doc["paths"])
    walk(schemas)
    groups = collections.OrderedDict()
    for node in sites:
        owner, attr = node["x-enum-owner"]
        key = (attr, tuple(node["enum"]))
        groups.setdefault(key, []).append(owner)
    sets_per_attr = collections.Counter(attr for attr, _ in groups)
    names = {}
    taken = set(schemas)
    for (attr, values), owners in sorted(groups.items()):
        name = camel(attr)
        if sets_per_attr[attr] > 1 or name in taken:
            name = camel(sorted(owners)[0]) + camel(attr)
        base, n = name, 2
        while name in taken:
            name, n = "%s%d" % (base, n), n + 1
        taken.add(name)
        names[(attr, values)] = name
        schemas[name] = {"type": "string", "enum": list(values), "x-huaweicloud-hoisted": True}
    for node in sites:
        owner, attr = node["x-enum-owner"]
        name = names[(attr, tuple(node["enum"]))]
        node.clear()
        node["$ref"] = "#/components/schemas/" + name
    doc["components"]["schemas"] = {k: schemas[k] for k in sorted(schemas)}


def prune_hoisted_enums(doc):
    """Drops hoisted enum schemas that the overlay replaced everywhere, and the marker."""
    refs = collect_refs(doc)
    schemas = doc["components"]["schemas"]
    for name in list(schemas):
        if schemas[name].pop("x-huaweicloud-hoisted", False) and "#/components/schemas/" + name not in refs:
            del schemas[name]


class Models:
    def __init__(self, module):
        self.module = module
        self.used = set()

    def cls(self, name):
        c = getattr(self.module, name, None)
        if not isinstance(c, type) or not hasattr(c, "openapi_types"):
            fail("no model class %s in %s" % (name, self.module.__name__))
        return c

    def type_schema(self, t):
        t = t.strip()
        simple = {
            "str": {"type": "string"},
            "int": {"type": "integer", "format": "int64"},
            "float": {"type": "number", "format": "double"},
            "bool": {"type": "boolean"},
            "object": {},
            "file": {"type": "string", "format": "binary"},
            "datetime": {"type": "string", "format": "date-time"},
            "date": {"type": "string", "format": "date-time"},
        }
        if t in simple:
            return dict(simple[t])
        m = re.fullmatch(r"list\[(.*)\]", t)
        if m:
            return {"type": "array", "items": self.type_schema(m.group(1))}
        m = re.fullmatch(r"dict\(([^,]*),(.*)\)", t)
        if m:
            if m.group(1).strip() != "str":
                fail("map with non-string keys: %s" % t)
            return {"type": "object", "additionalProperties": self.type_schema(m.group(2))}
        if re.fullmatch(r"[A-Z][A-Za-z0-9_]*", t):
            self.cls(t)
            self.used.add(t)
            return {"$ref": "#/components/schemas/" + t}
        fail("unknown type %r" % t)

    def properties(self, cls, skip=()):
        props = collections.OrderedDict()
        required = []
        req = required_attrs(cls)
        sensitive = set(getattr(cls, "sensitive_list", []))
        for attr, t in cls.openapi_types.items():
            if attr in skip:
                continue
            wire = cls.attribute_map[attr]
            s = with_doc_facts(self.type_schema(t), cls, attr)
            if attr != wire:
                s["x-name"] = attr
            if attr in sensitive:
                s["x-sensitive"] = True
            if wire in props:
                fail("%s: two attributes with the JSON name %r" % (cls.__name__, wire))
            props[wire] = s
            if attr in req:
                required.append(wire)
        return props, required

    def model_schema(self, name):
        cls = self.cls(name)
        if not cls.openapi_types:
            values = enum_values(cls)
            if values:
                return {"type": "string", "enum": values}
            return {"type": "object", "properties": {}}
        props, required = self.properties(cls)
        s = {"type": "object", "properties": props}
        if required:
            s["required"] = required
        return s

    def schemas(self):
        out = {}
        todo = sorted(self.used)
        while todo:
            name = todo.pop()
            if name in out:
                continue
            out[name] = self.model_schema(name)
            todo.extend(sorted(n for n in self.used if n not in out))
        return {k: out[k] for k in sorted(out)}


# --------------------------------------------------------------------------------------------
# operations


def find_client(pkg, ver):
    mod = importlib.import_module("%s.%s" % (pkg, ver))
    clients = [getattr(mod, n) for n in dir(mod)
               if n.endswith("Client") and not n.endswith("AsyncClient") and isinstance(getattr(mod, n), type)]
    if len(clients) != 1:
        fail("expected one sync client class in %s.%s, found %s" % (pkg, ver, [c.__name__ for c in clients]))
    return mod, clients[0]


def build_operation(svc, cfg, mod, client_cls, models, method_name, shapes):
    from huaweicloudsdkcore.sdk_stream_response import SdkStreamResponse

    info_name = "_%s_http_info" % method_name
    where = "%s.%s" % (client_cls.__name__, info_name)
    func = inspect.getattr_static(client_cls, info_name)
    if isinstance(func, (classmethod, staticmethod)):
        func = func.__func__
    facts = parse_http_info(func, where)
    rt = facts["response_type"]
    if not rt or not rt.endswith("Response"):
        fail("%s: response_type %r" % (where, rt))
    op_id = rt[: -len("Response")]
    request_cls = models.cls(op_id + "Request")
    response_cls = models.cls(rt)
    ctype = run_http_info(client_cls, info_name, request_cls, facts, where)

    req_attrs = request_cls.openapi_types
    required = set(required_attrs(request_cls))
    sensitive = set(getattr(request_cls, "sensitive_list", []))
    for wire, attr in facts["form"]:
        if attr in req_attrs:
            fail("%s: form parameter %s is a request field (not handled)" % (where, attr))
    params = []
    path = facts["resource_path"]
    placeholders = re.findall(r"\{([^}]+)\}", path)
    path_wires = [w for w, a in facts["path"] if a in req_attrs]
    for w, a in facts["path"]:
        if a not in req_attrs:
            fail("%s: path parameter %s has no request field" % (where, w))
        if w not in placeholders:
            fail("%s: path parameter %s not in %s" % (where, w, path))
    for ph in placeholders:
        if ph not in path_wires:
            if ph not in SCOPE_PLACEHOLDERS:
                fail("%s: placeholder {%s} is filled by nothing" % (where, ph))
            params.append({"name": ph, "in": "path", "required": True, "schema": {"type": "string"},
                           "x-huaweicloud-scope": True})
            shapes["scope:" + ph] += 1

    def param(w, a, where_in):
        if a not in req_attrs:
            return None  # the builder names a field this request model does not have: never sent
        schema = with_doc_facts(models.type_schema(req_attrs[a]), request_cls, a)
        p = {"name": w, "in": where_in, "required": True if where_in == "path" else a in required,
             "schema": schema, "x-name": a}
        if a in sensitive:
            p["x-sensitive"] = True
        if where_in == "query" and schema.get("type") == "array":
            # query collection formats are all sent as repeated keys ("multi") by the core
            p["style"] = "form"
            p["explode"] = True
        if where_in == "header" and schema.get("type") == "array":
            fail("%s: header array %s" % (where, w))
        return p

    for w, a in facts["path"]:
        params.append(param(w, a, "path"))
    for w, a in facts["query"]:
        p = param(w, a, "query")
        if p is None:
            fail("%s: query parameter %s has no request field" % (where, w))
        params.append(p)
    for w, a in facts["header"]:
        p = param(w, a, "header")
        if p is None:
            fail("%s: header parameter %s has no request field" % (where, w))
        params.append(p)
        shapes["header:" + w] += 1
    for w in facts["collection_formats"]:
        if not any(p["name"] == w and p.get("style") for p in params):
            fail("%s: collection format for %s, which is not a query array" % (where, w))
    seen = set()
    for p in params:
        if (p["name"], p["in"]) in seen:
            fail("%s: two %s parameters named %s" % (where, p["in"], p["name"]))
        seen.add((p["name"], p["in"]))
    used_attrs = {p.get("x-name") for p in params} | {facts["body"]}
    extra = [a for a in req_attrs if a not in used_attrs]
    if extra:
        fail("%s: request fields %s are not sent" % (where, extra))

    op = {"operationId": op_id}
    method_func = inspect.getattr_static(client_cls, method_name)
    if is_deprecated(method_func):
        op["deprecated"] = True
        shapes["deprecated"] += 1
    op["externalDocs"] = {"url": EXPLORER_URL.format(explorer=cfg["explorer"], ver=cfg["module"], op=op_id)}
    op["x-huaweicloud-sdk-method"] = method_name
    # The Content-Type header the SDK sends, bodiless requests included.
    op["x-huaweicloud-content-type"] = ctype
    op["parameters"] = params

    body_attr = facts["body"]
    if body_attr is not None and body_attr in req_attrs:
        schema = models.type_schema(req_attrs[body_attr])
        if "$ref" not in schema:
            shapes["request body inline %s" % schema.get("type")] += 1
        op["requestBody"] = {"required": body_attr in required, "x-name": body_attr,
                             "content": {ctype: {"schema": schema}}}
        shapes["request content " + ctype] += 1
        if facts["method"] == "DELETE":
            shapes["DELETE with body"] += 1
            shapes["DELETE with body: " + op_id] += 1
        if ctype == "multipart/form-data":
            shapes["multipart: " + op_id] += 1
    elif facts["form"] or ctype == "multipart/form-data":
        fail("%s: form parameters without a body" % where)

    # response
    resp = {"description": "Success."}
    header_attrs = {}
    if facts["response_headers"]:
        headers = collections.OrderedDict()
        by_wire = {v: k for k, v in response_cls.attribute_map.items()}
        for w in facts["response_headers"]:
            a = by_wire.get(w)
            if a is None:
                fail("%s: response header %s has no field in %s" % (where, w, rt))
            headers[w] = {"schema": models.type_schema(response_cls.openapi_types[a]), "x-name": a}
            header_attrs[a] = w
            shapes["response header " + w] += 1
        resp["headers"] = headers
    streamed = issubclass(response_cls, SdkStreamResponse)
    body_fields = [a for a in response_cls.openapi_types if a not in header_attrs]
    if streamed:
        if body_fields:
            fail("%s: streamed response with fields %s" % (where, body_fields))
        resp["content"] = {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}
        shapes["streamed: " + op_id] += 1
    elif body_fields:
        wires = [response_cls.attribute_map[a] for a in body_fields]
        if "body" in wires:
            if len(body_fields) != 1:
                fail("%s: response body field next to other fields %s" % (where, body_fields))
            schema = models.type_schema(response_cls.openapi_types[body_fields[0]])
            schema["x-name"] = body_fields[0]
            shapes["top-level response %s" % (schema.get("type") or "$ref")] += 1
        else:
            props, req = models.properties(response_cls, skip=header_attrs)
            schema = {"type": "object", "properties": props}
            if req:
                schema["required"] = req
        resp["content"] = {"application/json": {"schema": schema}}
    else:
        shapes["no response content"] += 1
    op["responses"] = {"200": resp}

    pag = detect_pagination(op, shapes)
    if pag:
        op["x-huaweicloud-pagination"] = pag
    return facts["method"].lower(), path, op


def detect_pagination(op, shapes):
    """The pagination rule: `offset`+`limit` (or `page_no`+`page_size`) integer-or-string query
    parameters with exactly one top-level array in the answer and an integer total property when
    there is one; `marker`+`limit` with a `next_marker` property; offset paging of a top-level
    array whose total is in a `Content-Range` header (SWR). The overlay corrects the rest."""
    query = {p["name"]: p for p in op["parameters"] if p["in"] == "query"}
    response = op["responses"]["200"]
    content = response.get("content", {}).get("application/json")
    if not content:
        return None
    scalar = lambda n: n in query and query[n]["schema"].get("type") in ("integer", "string")
    schema = content["schema"]
    if "properties" not in schema:
        if (schema.get("type") == "array" and scalar("offset") and scalar("limit")
                and "Content-Range" in response.get("headers", {})):
            return {"kind": "offset", "offset": "offset", "limit": "limit",
                    "count": {"header": "Content-Range"}, "items": schema["x-name"]}
        return None
    props = schema["properties"]
    arrays = [k for k, v in props.items() if v.get("type") == "array"]
    totals = [k for k in TOTAL_NAMES if k in props and props[k].get("type") == "integer"]
    if len(arrays) != 1:
        return None
    items = arrays[0]
    nexts = [k for k in NEXT_MARKER_NAMES if props.get(k, {}).get("type") in ("string", "integer")]
    if scalar("offset") and scalar("limit"):
        pag = {"kind": "offset", "offset": "offset", "limit": "limit"}
    elif scalar("marker") and scalar("limit") and len(nexts) == 1:
        pag = {"kind": "marker", "marker": "marker", "limit": "limit", "next": nexts[0]}
    elif scalar("page_no") and scalar("page_size"):
        pag = {"kind": "page", "page": "page_no", "size": "page_size"}
    else:
        return None
    if pag["kind"] != "marker" and len(totals) == 1:
        pag["count"] = totals[0]
    pag["items"] = items
    return pag


# --------------------------------------------------------------------------------------------
# overlay


def merge(target, patch, where, strict_keys):
    """RFC 7386 merge patch of dict `target` in place. `strict_keys(key)` says whether `key` must
    already exist in `target` (entries naming a property that the import did not produce)."""
    for k, v in patch.items():
        if v is None:
            if k not in target and "$ref" in target:
                continue  # the import already made this field a reference (a hoisted enum)
            if k not in target:
                fail("overlay %s/%s removes something that does not exist" % (where, k))
            del target[k]
        elif isinstance(v, dict):
            if k not in target:
                if strict_keys(k):
                    fail("overlay %s/%s matches nothing" % (where, k))
                target[k] = {}
            elif not isinstance(target[k], dict):
                target[k] = {}
            merge(target[k], v, where + "/" + k, _strict_under(k))
        else:
            if strict_keys(k) and k not in target:
                fail("overlay %s/%s matches nothing" % (where, k))
            target[k] = v


def _never(_):
    return False


def _always(_):
    return True


def _strict_under(key):
    # the names inside `properties` are the import's facts; so are the response codes' schemas'
    return _always if key == "properties" else _never


def reorder(d, keys):
    out = {k: d[k] for k in keys if k in d}
    out.update((k, v) for k, v in d.items() if k not in out)
    return out


def apply_overlay(doc, overlay, ops_by_id):
    for k in overlay:
        if k not in ("info", "x-huaweicloud-service", "operations", "schemas"):
            fail("overlay: unknown top-level key %r" % k)
    if "info" in overlay:
        merge(doc["info"], overlay["info"], "info", _never)
    if "x-huaweicloud-service" in overlay:
        merge(doc["x-huaweicloud-service"], overlay["x-huaweicloud-service"], "x-huaweicloud-service", _never)
    for op_id, patch in overlay.get("operations", {}).items():
        if op_id not in ops_by_id:
            fail("overlay: operation %s matches nothing" % op_id)
        op = ops_by_id[op_id]
        patch = dict(patch)
        pparams = patch.pop("parameters", {})
        for name, ppatch in pparams.items():
            found = [p for p in op["parameters"] if p["name"] == name]
            if len(found) != 1:
                fail("overlay: operation %s parameter %s matches %d parameters" % (op_id, name, len(found)))
            merge(found[0], ppatch, "operations/%s/parameters/%s" % (op_id, name), _never)
        for i, p in enumerate(op["parameters"]):
            op["parameters"][i] = reorder(p, PARAMETER_KEYS)
        merge(op, patch, "operations/" + op_id, _never)
        new = reorder(op, OPERATION_KEYS)
        op.clear()
        op.update(new)
    schemas = doc["components"]["schemas"]
    added = []
    for name, patch in overlay.get("schemas", {}).items():
        if name in schemas:
            merge(schemas[name], patch, "schemas/" + name, _never)
        else:
            if "type" not in patch:
                fail("overlay: schema %s matches nothing (a new schema needs a type)" % name)
            schemas[name] = patch
            added.append(name)
    doc["components"]["schemas"] = {k: schemas[k] for k in sorted(schemas)}
    refs = collect_refs(doc)
    for name in added:
        if "#/components/schemas/" + name not in refs:
            fail("overlay: new schema %s is referenced by nothing" % name)


def collect_refs(node, out=None):
    if out is None:
        out = set()
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                out.add(v)
            else:
                collect_refs(v, out)
    elif isinstance(node, list):
        for v in node:
            collect_refs(v, out)
    return out


# --------------------------------------------------------------------------------------------
# document


def regions(pkg, ver, svc):
    from huaweicloudsdkcore.region.region import Region

    mod = importlib.import_module("%s.%s.region.%s_region" % (pkg, ver, svc))
    classes = [c for n, c in vars(mod).items() if isinstance(c, type) and n.endswith("Region") and c is not Region]
    if len(classes) != 1:
        fail("expected one region class in %s" % mod.__name__)
    out = []
    for n, v in vars(classes[0]).items():
        if isinstance(v, Region):
            eps = list(getattr(v, "endpoints", None) or [v.endpoint])
            if len(eps) != 1:
                fail("region %s has %d endpoints" % (v.id, len(eps)))
            out.append({"id": v.id, "endpoint": eps[0]})
    if not out:
        fail("empty region table in %s" % mod.__name__)
    return out


def build(svc):
    cfg = SERVICES[svc]
    pkg, ver = cfg["pkg"], cfg["module"]
    mod, client_cls = find_client(pkg, ver)
    models = Models(mod)
    shapes = collections.Counter()
    methods = sorted(n for n, v in vars(client_cls).items()
                     if not n.startswith("_") and callable(v) and ("_%s_http_info" % n) in vars(client_cls))
    ops = []
    for m in methods:
        ops.append(build_operation(svc, cfg, mod, client_cls, models, m, shapes))
    if len(ops) != cfg["operations"]:
        fail("%s: %d operations, expected %d (a new SDK version? update SERVICES)" % (svc, len(ops), cfg["operations"]))
    ids = collections.Counter(op["operationId"] for _, _, op in ops)
    dup = [i for i, n in ids.items() if n > 1]
    if dup:
        fail("duplicate operationIds %s" % dup)
    paths = {}
    ops_by_id = {}
    for method, path, op in sorted(ops, key=lambda t: t[2]["operationId"]):
        item = paths.setdefault(path, {})
        if method in item:
            fail("%s %s is both %s and %s" % (method.upper(), path, item[method]["operationId"], op["operationId"]))
        item[method] = op
        ops_by_id[op["operationId"]] = op

    regs = regions(pkg, ver, svc)
    patterns = collections.Counter(r["endpoint"].replace(r["id"], "{region}") for r in regs)
    server = sorted(patterns.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    title = cfg["explorer"]
    doc = {
        "openapi": "3.0.3",
        "info": {"title": title, "version": ver,
                 "description": "The %s API %s, as the Huawei Cloud Python SDK %s %s describes it."
                                % (title, ver, pkg, SDK_VERSION)},
        "servers": [{"url": server}],
        "x-huaweicloud-service": {
            "name": svc,
            "crate": "huaweicloud-sdk-" + svc,
            "module": ver,
            "explorer": cfg["explorer"],
            "source": "%s %s" % (pkg, SDK_VERSION),
            "regions": regs,
        },
        "paths": paths,
        "components": {"schemas": models.schemas()},
    }
    hoist_enums(doc)
    return doc, ops_by_id, shapes


def main(argv):
    if len(argv) != 4 or argv[1] not in SERVICES:
        sys.stderr.write("usage: extract.py <%s> <output path> <overlay path>\n" % "|".join(SERVICES))
        return 2
    svc, out_path, overlay_path = argv[1:]
    try:
        doc, ops_by_id, shapes = build(svc)
        with open(overlay_path, encoding="utf-8") as f:
            overlay = json.load(f)
        apply_overlay(doc, overlay, ops_by_id)
        prune_hoisted_enums(doc)
        schemas = doc["components"]["schemas"]
        for ref in sorted(collect_refs(doc)):
            if not ref.startswith("#/components/schemas/") or ref[len("#/components/schemas/"):] not in schemas:
                fail("unresolved $ref %s" % ref)
    except ImportError_ as e:
        sys.stderr.write("import %s: %s\n" % (svc, e))
        return 1
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    pag = collections.Counter(op.get("x-huaweicloud-pagination", {}).get("kind", "none") for op in ops_by_id.values())
    print("%s: %d operations, %d schemas, pagination %s -> %s" % (
        svc, len(ops_by_id), len(schemas), dict(sorted(pag.items())), out_path))
    for k in sorted(shapes):
        print("  %s: %d" % (k, shapes[k]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
