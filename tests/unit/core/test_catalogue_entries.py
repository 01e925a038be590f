"""Each text is in each catalogue once: two pages adding the same msgid (say «Show») leave
two entries, and which translation wins would depend on the order Babel reads them."""
import re
from collections import Counter

import pytest

from kelisim.i18n import LANGUAGES, catalogue_path

ENTRY = re.compile(r'(?:^msgctxt "(.*)"\n)?^msgid "(.+)"$', re.M)


@pytest.mark.parametrize("lang", (None, *LANGUAGES))
def test_every_msgid_has_one_entry(lang):
    text = catalogue_path(lang).read_text(encoding="utf-8")
    twice = sorted(key for key, count in Counter(ENTRY.findall(text)).items() if count > 1)
    assert not twice, f"{catalogue_path(lang)}: entries more than once: {twice[:10]}"
