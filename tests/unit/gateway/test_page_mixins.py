"""The gateway's route and page mixins never define the same name: one would silently
replace the other in GatewayService's MRO (a private helper of one area's pages answering
for another's was a 500 on GET /reports)."""
from collections import defaultdict

from gateway.entrypoints.service import GatewayService
from kelisim.service import ServiceBase


def test_no_two_mixins_of_the_gateway_define_the_same_name():
    owners = defaultdict(list)
    for cls in GatewayService.__mro__[1:]:
        if cls in (object, ServiceBase) or issubclass(ServiceBase, cls):
            continue
        for name in vars(cls):
            if not (name.startswith("__") and name.endswith("__")):
                owners[name].append(cls.__name__)
    shared = {name: classes for name, classes in owners.items() if len(classes) > 1}
    assert not shared, shared
