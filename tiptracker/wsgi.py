import logging
import os

from django.core.wsgi import get_wsgi_application
from django.db import DatabaseError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tiptracker.settings")
application = get_wsgi_application()

from tiptracker.lib.crypto import check_keys, check_stored  # noqa: E402 - needs Django set up

# The web app does not start without field encryption keys that work (a KeyProblem says
# what to set) or that cannot read what is stored. A database that cannot be reached yet
# does not stop it starting: nothing can be read or written until it can.
check_keys()
try:
    check_stored()
except DatabaseError as error:
    logging.getLogger(__name__).warning(
        "Could not check the field encryption keys against the database: %s", error
    )
