"""The texts of the pages' templates are in the catalogues, in kk, ru and en (the Python
texts are checked by tests/unit/core/test_i18n.py; templates are not extracted there)."""
import re

import pytest
from babel.messages.pofile import read_po

from gateway.web.render import TEMPLATES
from kelisim.i18n import LANGUAGES, catalogue_path

# the templates whose texts must all be translated (a page added here is checked too)
CHECKED = ("base.html", "sign_in.html", "set_password.html", "account.html", "error.html",
           "docs.html", "inbox.html", "inbox_items.html", "inbox_item.html",
           "inbox_preferences.html", "webhooks.html", "inbox_nav.html", "inbox_changed.html",
           "paging.html", "region_select.html", "search_field.html",
           "registry_nav.html", "registry.html", "registry_structures.html",
           "registry_people.html", "registry_organisations.html", "events.html",
           "event.html", "event_form.html", "_report_history.html", "plan_history.html")
TEXT = re.compile(r"""_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")


def _texts(name):
    return {a or b for a, b in TEXT.findall((TEMPLATES / name).read_text(encoding="utf-8"))}


def _catalogue(lang=None):
    with open(catalogue_path(lang), "rb") as po:
        return {m.id: m.string for m in read_po(po) if m.id and not m.context}


@pytest.mark.parametrize("lang", [None, *LANGUAGES])
def test_every_text_of_the_pages_is_translated(lang):
    catalogue = _catalogue(lang)
    missing = sorted({(name, text) for name in CHECKED if (TEMPLATES / name).exists()
                      for text in _texts(name)
                      if text not in catalogue or (lang and not catalogue[text])})
    assert not missing, f"{lang or 'messages.pot'}: {missing[:10]}"
