"""klimatfardplan.kept: a value is computed again exactly when its key changes."""

from __future__ import annotations

from klimatfardplan.kept import kept


def test_a_kept_value_is_recomputed_only_when_its_key_changes() -> None:
    calls: list[str] = []

    def compute(value: str) -> str:
        calls.append(value)
        return value

    assert kept("test.slot", ("v1", 3), lambda: compute("first")) == "first"
    assert kept("test.slot", ("v1", 3), lambda: compute("second")) == "first"
    assert kept("test.slot", ("v1", 4), lambda: compute("third")) == "third"
    assert kept("test.other", ("v1", 4), lambda: compute("other")) == "other"  # its own slot
    assert kept("test.slot", ("v1", 3), lambda: compute("back")) == "back"  # only the latest key
    assert calls == ["first", "third", "other", "back"]
