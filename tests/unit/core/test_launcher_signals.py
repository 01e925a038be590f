"""``kelisim run`` stops on SIGINT even when started with SIGINT ignored (a shell's
background job: ``nohup make run &`` then ``kill -INT -- -PGID``)."""
import signal
import subprocess
import sys
import textwrap

# the launcher with its components replaced by sleeping children: only its own signal
# handling is under test (the platform's start is tested in tests/ops)
LAUNCH = textwrap.dedent("""
    import subprocess, sys
    from kelisim_platform.cli import launcher
    launcher.broker_problem = lambda uri: None
    launcher.taken_port = lambda: None
    launcher.prepare = lambda: None
    launcher._wait_ready = lambda *args: []
    launcher._start = lambda name: subprocess.Popen([sys.executable, "-c",
                                                     "import time; time.sleep(120)"])
    sys.exit(launcher.run())
""")


def test_sigint_stops_the_launcher_started_with_sigint_ignored():
    proc = subprocess.Popen([sys.executable, "-c", LAUNCH], stdout=subprocess.PIPE,
                            text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        assert "started" in proc.stdout.readline()
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0
    assert "kelisim: stopped" in out
