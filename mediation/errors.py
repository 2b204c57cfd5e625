"""Domain errors that carry the field each problem belongs to."""

from mediation.bounds import parse_id


class RuleViolation(Exception):
    """A business rule refused an operation.

    `problems` is a list of (field, message); field is None for a problem of the whole record.
    Views put each message back on its form field and re-render with status 422.
    """

    def __init__(self, problems: list[tuple[str | None, str]] | str):
        if isinstance(problems, str):
            problems = [(None, problems)]
        self.problems = problems
        super().__init__("；".join(message for _, message in problems))


class StaleEdit(RuleViolation):
    """Someone else saved the record after this form was opened."""

    def __init__(self):
        super().__init__("该案件已被他人修改：请核对最新内容后再保存，您填写的内容已保留。")


def check_version(record, submitted_version: int | str | None) -> None:
    """Refuse a save based on a form opened before someone else saved the record (a Case or a
    LegalCase: both carry a `version` counted by the ORM)."""
    if submitted_version in (None, ""):
        return
    if parse_id(str(submitted_version)) != record.version:  # a tampered version is stale too
        raise StaleEdit()
