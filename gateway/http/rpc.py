"""The gateway's RPC proxies: a late service is a 504 problem (see kelisim/rpc.py)."""
from gateway.errors import UpstreamTimeout
from kelisim import rpc


class TimedRpcProxy(rpc.TimedRpcProxy):
    timeout_error = UpstreamTimeout
