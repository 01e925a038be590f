"""Cross-cutting building blocks shared by every kelisim service."""
import warnings

# nameko 2.14 runs on eventlet, which now warns on import that it is in bugfix-only
# mode; the platform knows (see README), operators need not read it on every start.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
