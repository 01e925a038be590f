"""kelisim.reference: a component's shipped JSON, and adding only the rows a database lacks."""
import pytest

from kelisim.reference import add_missing, shipped


class Shelf:
    """A repository of rows by code (add and find, as a service's repository has them)."""

    def __init__(self, *codes):
        self.rows = {code: {"code": code} for code in codes}

    def add(self, row):
        self.rows[row["code"]] = row

    def find(self, code):
        return self.rows.get(code)


def test_only_the_missing_rows_are_added_and_counted():
    shelf = Shelf("KZ-61")
    rows = [{"code": "KZ-61", "name": "new"}, {"code": "KZ-75", "name": "Almaty"}]
    assert add_missing(shelf, rows, shelf.find, dict) == 1
    assert shelf.rows == {"KZ-61": {"code": "KZ-61"}, "KZ-75": {"code": "KZ-75", "name": "Almaty"}}
    assert add_missing(shelf, rows, shelf.find, dict) == 0


def test_a_packages_shipped_file_is_read_and_an_absent_one_refused():
    regions = shipped("services.registry", "regions.json")
    assert len(regions) == 20 and {"code", "name_kk", "name_ru", "name_en"} <= set(regions[0])
    with pytest.raises(FileNotFoundError):
        shipped("services.registry", "nothing.json")
