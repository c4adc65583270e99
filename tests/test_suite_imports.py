# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
"""Odoo's own test runner (``odoo-bin --test-tags``) runs only the test modules that
``tests/__init__.py`` imports; pytest collects every file. Both must run the same suite."""

import ast
from pathlib import Path

from odoo.tests import BaseCase, tagged

TESTS = Path(__file__).parent


@tagged("post_install", "-at_install")
class TestSuiteImports(BaseCase):
    def test_every_test_file_is_imported_for_odoos_runner(self):
        tree = ast.parse((TESTS / "__init__.py").read_text())
        imported = {alias.name for node in tree.body if isinstance(node, ast.ImportFrom) for alias in node.names}
        files = {path.stem for path in TESTS.glob("test_*.py")}
        self.assertFalse(sorted(files - imported), "test files that Odoo's test runner would skip")
