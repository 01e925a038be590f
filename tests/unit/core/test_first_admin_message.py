"""What ``make run`` prints for the first administrator (kelisim_platform/cli/launcher.py):
a new user opens the link in a browser and signs in on the web page, so the message names
the page before the API calls for scripts (found by a new user's walk)."""
from kelisim_platform.cli.launcher import first_admin_instructions


def test_the_first_admin_message_names_the_browser_sign_in_page(monkeypatch):
    monkeypatch.setenv("KELISIM_GATEWAY_ADDRESS", "127.0.0.1:8123")
    monkeypatch.delenv("KELISIM_PUBLIC_URL", raising=False)
    text = first_admin_instructions("admin@localhost", "XeB9")
    assert "http://127.0.0.1:8123/set-password#token=XeB9" in text
    assert "open it in a browser" in text
    assert "http://127.0.0.1:8123/sign-in" in text
    assert text.index("/sign-in") < text.index("curl -X POST")
    assert "POST http://127.0.0.1:8123/api/v1/session" in text  # scripts still told how
