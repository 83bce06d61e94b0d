import pytest

from clinic.protection import Rate, parse_rate


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        ("10/m", Rate(limit=10, seconds=60)),
        ("100/5m", Rate(limit=100, seconds=300)),
        ("3/h", Rate(limit=3, seconds=3600)),
        ("30/h", Rate(limit=30, seconds=3600)),
        ("2/d", Rate(limit=2, seconds=86400)),
        ("5/s", Rate(limit=5, seconds=1)),
        ("5/10s", Rate(limit=5, seconds=10)),
        ("5/", Rate(limit=5, seconds=1)),
        ("5/30", Rate(limit=5, seconds=30)),
        ("0/m", Rate(limit=0, seconds=60)),
    ],
)
def test_it_reads_a_rate_as_posts_per_window(rate: str, expected: Rate) -> None:
    assert parse_rate(rate) == expected


@pytest.mark.parametrize(
    "rate",
    ["", "10", "10/M", "10/x", "10/m ", " 10/m", "ten/m", "10/m/h", "-1/m", "10/0m", "1.5/m"],
)
def test_it_refuses_what_is_not_a_rate(rate: str) -> None:
    with pytest.raises(ValueError, match="rate"):
        parse_rate(rate)
