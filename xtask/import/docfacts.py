"""Structured facts in the official SDK's property docstrings: allowed values, string lengths,
number ranges and defaults, as OpenAPI keywords.

The docstrings are not English and none of their text is kept: only values that are plain ASCII
tokens (enum values, numbers, a default such as `10` or `zh-cn`) leave this module. A fact that
does not match one of the regular shapes below is left out rather than guessed.
"""
import re

SECTION = re.compile(r"\*\*(参数解释|约束限制|取值范围|默认取值)\*\*\s*[:：]?")
# `- VALUE：meaning`, `- VALUE : meaning`; VALUE is an ASCII token.
LISTED = re.compile(r"(?:^|\s)-\s*\\?[\"“]?([A-Za-z0-9_.\-/*+]+(?: [A-Za-z][A-Za-z0-9_\-]*){0,3})\\?[\"”]?\s*[:：]")
LENGTH = [
    re.compile(r"(?:字符)?长度\s*(?:为|范围)?\s*[\[（(]?\s*(\d+)\s*[-~到至,，]\s*(\d+)\s*[\]）)]?\s*(?:位|个字符|字符|字节)?"),
    re.compile(r"(\d+)\s*[-~到至]\s*(\d+)\s*(?:位|个字符|字符)"),
]
MAX_LENGTH = re.compile(r"(?:最大长度|长度不超过|最长|不超过)\s*(\d+)\s*(?:位|个字符|字符|个unicode字符)")
RANGE = [
    re.compile(r"最小值\s*[:：为]?\s*(-?\d+(?:\.\d+)?)\s*[,，；;、]?\s*最大值\s*[:：为]?\s*(-?\d+(?:\.\d+)?)"),
    re.compile(r"取值(?:范围)?\s*[:：为]?\s*[\[（(]?\s*(-?\d+(?:\.\d+)?)\s*[-~到至,，]\s*(-?\d+(?:\.\d+)?)\s*[\]）)]?"),
]
DEFAULT_TOKEN = re.compile(r"^\s*(?:默认(?:值)?(?:为|是)?\s*)?[\"“'`]?([A-Za-z0-9_.\-]+)[\"”'`]?\s*[。.]?\s*$")
NONE_WORDS = ("不涉及", "无", "空", "")


def sections(doc):
    """The text of each `**name**` section; the whole text under `None` when there are none."""
    parts = SECTION.split(doc)
    if len(parts) == 1:
        return {None: doc}
    out = {None: parts[0]}
    for i in range(1, len(parts) - 1, 2):
        out[parts[i]] = parts[i + 1].strip()
    return out


def listed_values(text):
    values = []
    for v in LISTED.findall(text):
        if v not in values:
            values.append(v)
    return values


def _num(text, integer):
    try:
        v = float(text)
    except ValueError:
        return None
    if integer:
        if not v.is_integer():
            return None
        return int(text.split(".")[0])
    return int(v) if v.is_integer() else v


def facts(doc, pytype):
    """OpenAPI keywords for a field of Python type `pytype` documented by `doc`."""
    if not doc:
        return {}
    s = sections(doc)
    rng = s.get("取值范围")
    scope = rng if rng is not None else s.get(None, "")
    out = {}
    base = pytype.strip()
    item = re.fullmatch(r"list\[(str|int)\]", base)
    scalar = item.group(1) if item else base
    if scalar == "str":
        values = listed_values(scope)
        # One listed value is a closed set too when the doc has a values section.
        if len(values) >= 2 or (values and rng is not None):
            out["enum"] = values
        if "enum" not in out and not item:
            for pat in LENGTH:
                m = pat.search(scope)
                if m and int(m.group(1)) <= int(m.group(2)):
                    out["minLength"], out["maxLength"] = int(m.group(1)), int(m.group(2))
                    break
            else:
                m = MAX_LENGTH.search(scope)
                if m:
                    out["maxLength"] = int(m.group(1))
    elif scalar in ("int", "float") and not item:
        integer = scalar == "int"
        for pat in RANGE:
            m = pat.search(scope)
            if m:
                lo, hi = _num(m.group(1), integer), _num(m.group(2), integer)
                if lo is not None and hi is not None and lo <= hi:
                    out["minimum"], out["maximum"] = lo, hi
                    break
    default = s.get("默认取值")
    if default is not None and default.strip(" 。.") not in NONE_WORDS and not item:
        m = DEFAULT_TOKEN.match(default)
        if m:
            token = m.group(1)
            if scalar == "bool" and token.lower() in ("true", "false"):
                out["default"] = token.lower() == "true"
            elif scalar in ("int", "float"):
                n = _num(token, scalar == "int")
                if n is not None:
                    out["default"] = n
            elif scalar == "str" and base == "str":
                if "enum" not in out or token in out["enum"]:
                    out["default"] = token
    return out
