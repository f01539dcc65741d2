"""What an import found and did: its errors (row, column, message) and counts."""

from dataclasses import dataclass
from dataclasses import field

MAX_ERRORS = 10_000  # kept in the report; the rest are counted


@dataclass(frozen=True)
class RowError:
    """One problem: the spreadsheet row (the header is row 1; None = the whole file), column, message."""

    row: int | None
    column: str
    message: str


@dataclass
class ImportReport:
    """What an import found and did. ``created`` is 0 unless the whole file was written."""

    registry: str
    dry_run: bool
    file_name: str = ""
    rows: int = 0
    valid_rows: int = 0
    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    bad_rows: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def truncated(self) -> bool:
        return self.error_count > len(self.errors)

    def add(self, row: int | None, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(row, column, str(message)))

    def as_dict(self) -> dict:
        return {
            "registry": self.registry,
            "dry_run": self.dry_run,
            "file_name": self.file_name,
            "rows": self.rows,
            "valid_rows": self.valid_rows,
            "created": self.created,
            "error_count": self.error_count,
            "bad_rows": self.bad_rows,
            "errors": [[e.row, e.column, e.message] for e in self.errors],
        }
