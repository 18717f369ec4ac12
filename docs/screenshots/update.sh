#!/bin/sh
# Refresh the committed screenshots in docs/screenshots/ from the browser tests.
#
#   docs/screenshots/update.sh            # all browser tests (SQLite, a minute or so)
#   docs/screenshots/update.sh -k reader  # extra arguments go to pytest
#
# The tests always write their screenshots to test-artifacts/screenshots/
# (git-ignored); DIGEST_SCREENSHOT_DIR makes them copy each one here too:
# admin-issue.png, admin-composer.png, admin-composer-entry.png,
# admin-composer-phone.png, review-diff.png, issue-desktop.png, issue-phone.png,
# archive-desktop.png, archive-phone.png. Review them, then commit.
set -eu
cd "$(dirname "$0")/../.."
DIGEST_SCREENSHOT_DIR=docs/screenshots exec .venv/bin/python -m pytest tests/e2e -m e2e -q "$@"
