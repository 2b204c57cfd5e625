"""The 调解协议书's 协议内容: the agreement's own clauses, without what the document prints
itself."""

import re

_NUMERALS = "一二三四五六七八九十"
_CLAUSE = re.compile(f"^([{_NUMERALS}]+)、")
_PREAMBLE = ("申请人：", "被申请人：")


def _clause_text(line: str) -> str:
    return _CLAUSE.sub("", line.strip())


def printed_terms(terms: str, default: str) -> str:
    """The agreement's terms without what the 调解协议书 prints itself, so nothing is said twice:
    leading party lines and the opening sentence (its 当事人 section and 协议内容 heading say
    them), and the default clauses on effect, 仲裁审查/司法确认 and 支付令 (its 权利告知 says
    them). Clauses are renumbered when one was left out. Text the mediator wrote stays."""
    rights = {
        _clause_text(line)
        for line in default.splitlines()
        if _CLAUSE.match(line.strip()) and ("仲裁审查" in line or "支付令" in line)
    }
    lines = terms.splitlines()
    while lines and (
        not lines[0].strip()
        or lines[0].strip().startswith(_PREAMBLE)
        or lines[0].strip().endswith("达成如下协议：")
    ):
        lines.pop(0)
    kept = [line for line in lines if _clause_text(line) not in rights or not line.strip()]
    if len(kept) == len(lines) and len(lines) == len(terms.splitlines()):
        return terms.strip()
    number = 0
    renumbered = []
    for line in kept:
        match = _CLAUSE.match(line.strip())
        if match and number < len(_NUMERALS):
            number += 1
            line = f"{_NUMERALS[number - 1]}、{_clause_text(line)}"
        renumbered.append(line)
    return "\n".join(renumbered).strip()
