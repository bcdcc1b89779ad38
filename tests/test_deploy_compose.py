"""docker-compose.yml and the Dockerfile describe a complete production setup.

Docker does not run on these machines, so the files are read and checked.
"""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def dockerfile():
    return (ROOT / "Dockerfile").read_text()


def test_it_has_web_worker_beat_postgres_and_redis(compose):
    assert set(compose["services"]) == {"web", "worker", "beat", "db", "redis"}
    assert compose["services"]["db"]["image"].startswith("postgres:")
    assert compose["services"]["redis"]["image"].startswith("redis:")


def test_the_app_services_share_one_definition(compose):
    text = (ROOT / "docker-compose.yml").read_text()
    assert re.search(r"^x-app: &app$", text, re.M)
    assert text.count("<<: *app") == 3
    images = {compose["services"][name]["image"] for name in APP_SERVICES}
    assert images == {"kkdigital:latest"}


def test_web_runs_gunicorn_after_migrating(compose):
    command = compose["services"]["web"]["command"]
    assert "migrate --noinput" in command
    assert "setup_roles" in command
    assert command.index("migrate") < command.index("gunicorn kkdigital.wsgi:application")


def test_worker_and_beat_run_celery(compose):
    assert compose["services"]["worker"]["command"].startswith("celery -A kkdigital worker")
    assert compose["services"]["beat"]["command"].startswith("celery -A kkdigital beat")


@pytest.mark.parametrize("service", APP_SERVICES)
def test_each_app_service_is_configured_for_production(compose, service):
    env = compose["services"][service]["environment"]
    assert env["DEBUG"] == "0"
    assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:6379")
    # Secrets come from the operator's environment, never from the file.
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert env["ALLOWED_HOSTS"]
    assert env["BEHIND_PROXY"] == "1"
    depends = compose["services"][service]["depends_on"]
    assert depends["db"]["condition"] == depends["redis"]["condition"] == "service_healthy"


@pytest.mark.parametrize("service", ["web", "worker", "beat", "db", "redis"])
def test_each_service_has_a_health_check(compose, service):
    check = compose["services"][service]["healthcheck"]
    assert check["test"][0] in ("CMD", "CMD-SHELL")
    assert check["interval"] and check["retries"]


def test_the_web_health_check_calls_the_health_endpoint(compose):
    assert "/healthz/" in " ".join(compose["services"]["web"]["healthcheck"]["test"])


def test_database_and_generated_files_live_in_volumes(compose):
    assert {"pgdata", "media"} <= set(compose["volumes"])
    assert "pgdata:/var/lib/postgresql/data" in compose["services"]["db"]["volumes"]
    for service in ("web", "worker"):
        assert "media:/app/media" in compose["services"][service]["volumes"]
        assert compose["services"][service]["environment"]["MEDIA_ROOT"] == "/app/media"


def test_the_dockerfile_installs_weasyprint_libraries(dockerfile):
    assert dockerfile.startswith("#") and "FROM python:3.11-slim" in dockerfile
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz0b", "libffi8",
                    "fonts-", "gettext"):
        assert package in dockerfile, package


def test_the_dockerfile_builds_translations_and_static_files_and_drops_root(dockerfile):
    assert "compilemessages" in dockerfile
    assert "collectstatic --noinput" in dockerfile
    assert re.search(r"^USER kkdigital$", dockerfile, re.M)
    assert dockerfile.index("USER kkdigital") > dockerfile.index("collectstatic")


def test_the_health_endpoint_answers_ok(client, db):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.content == b"ok"
