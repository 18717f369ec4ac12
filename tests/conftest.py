import pytest

from tests.factories import make_issue, make_user


@pytest.fixture
def editor(db):
    return make_user("editor", groups=["editor"])


@pytest.fixture
def editor2(db):
    return make_user("editor2", groups=["editor"])


@pytest.fixture
def reviewer(db):
    return make_user("reviewer", groups=["reviewer"])


@pytest.fixture
def reviewer2(db):
    return make_user("reviewer2", groups=["reviewer"])


@pytest.fixture
def superuser(db):
    return make_user("admin", superuser=True)


@pytest.fixture
def issue_factory(db):
    return make_issue


@pytest.fixture
def outsider(db):
    """Staff, but in neither editorial group."""
    return make_user("outsider")


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Creating users is most of a test's cost with the default PBKDF2 hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def run_task_worker(db, monkeypatch):
    """Run the background task worker in this process until the queue holds
    nothing that is due (what ``manage.py db_worker`` does, minus its signal
    handlers). Returns the number of tasks it ran."""
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.management.commands.db_worker import Worker

    # Between tasks the worker closes connections that are not in autocommit
    # mode, as Django does between requests; inside a test's transaction that
    # would be the test's own connection (the test client skips it likewise).
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run():
        worker = Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        )
        worker.run()
        return worker._run_tasks

    return run


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache, as a freshly deployed site would."""
    from django.core.cache import cache

    from issues import cache as page_cache
    from issues import catalogue

    cache.clear()
    page_cache.forget()
    catalogue.forget()
    yield
    cache.clear()
    page_cache.forget()
    catalogue.forget()
