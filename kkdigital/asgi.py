"""
ASGI config for kkdigital project.

It exposes the ASGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/asgi/
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'kkdigital.settings')

application = get_asgi_application()

# Loaded: the garbage collector's settings for a web worker (kkdigital/lib/collector.py).
from kkdigital.lib import collector  # noqa: E402

collector.tune()
