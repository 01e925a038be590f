"""``@rpc`` for kelisim services: nameko's, consuming through ``SettlingQueueConsumer``,
so a call in flight when the service stops still acks its request instead of having
another replica run it again (see kelisim/consumer.py)."""
from nameko import rpc as nameko_rpc

from kelisim.consumer import SettlingQueueConsumer


class RpcConsumer(nameko_rpc.RpcConsumer):
    queue_consumer = SettlingQueueConsumer()


class Rpc(nameko_rpc.Rpc):
    rpc_consumer = RpcConsumer()


rpc = Rpc.decorator
