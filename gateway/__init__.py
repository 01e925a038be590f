"""The HTTP gateway: authenticates callers and turns REST requests into RPC calls."""
