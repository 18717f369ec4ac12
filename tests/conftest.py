import pytest
from django.contrib.auth.models import Group

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
def roles(db):
    return {group.name: group for group in Group.objects.all()}


@pytest.fixture
def outsider(db):
    """Staff, but in neither editorial group."""
    return make_user("outsider")


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Creating users is most of a test's cost with the default PBKDF2 hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache, as a freshly deployed site would."""
    from django.core.cache import cache

    from issues.cache import forget

    cache.clear()
    forget()
    yield
    cache.clear()
    forget()
