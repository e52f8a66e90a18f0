import pytest

from icilens.intake import IntakeError
from icilens.intake.limits import MB, check_bytes


def test_the_size_limit_reads_as_streamlits_upload_limit():
    with pytest.raises(IntakeError, match=r"is 201 MB; the limit is 200 MB"):
        check_bytes(201 * MB, "big.csv")
