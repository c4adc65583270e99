# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
"""Every transition field of every service model × {create, write, context default, import}.

The models are found in the registry (whatever inherits ``service.transition.mixin``), so a
new model or a new transition field is attacked without changing this file."""

from unittest.mock import patch

from odoo import fields
from odoo.api import call_kw
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import GROUP, ServiceCase

GUARDED = "can only be changed through its buttons"


@tagged("post_install", "-at_install")
class TestTransitionGuard(ServiceCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        roles = ("general_manager", "inspector", "production_manager", "technical", "production_vp")
        # The cheat holds every role of the procedure: only the buttons may move a record.
        cls.cheat = new_test_user(
            cls.env,
            login="t_cheat",
            groups=",".join(
                ["base.group_user", "sales_team.group_sale_manager", "stock.group_stock_user"]
                + [GROUP + role for role in roles]
            ),
            company_id=cls.company.id,
        )
        cls.activity = cls.env["mail.activity"].create(
            {
                "res_model_id": cls.env["ir.model"]._get_id("res.partner"),
                "res_id": cls.customer.id,
                "user_id": cls.cheat.id,
                "summary": "Forged link",
            }
        )
        registry = cls.env.registry
        mixin = registry["service.transition.mixin"]
        cls.models = sorted(
            name
            for name, model in registry.items()
            if issubclass(model, mixin) and not model._abstract and not model._transient
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def call(self, model, method, *args, context=None):
        """As an RPC client of the cheat, with the client's context."""
        records = self.env(user=self.cheat, context=context or {})[model]
        return call_kw(records, method, list(args), {})

    def sample(self, model):
        """A stored record (demo data or the flows of the add-on) to copy and to write on."""
        record = self.env[model].search([], limit=1, order="id desc")
        self.assertTrue(record, f"no {model} record to attack")
        return record

    def forged(self, record, name):
        """A value of ``name`` that differs from what ``record`` holds."""
        field = record._fields[name]
        current = record[name]
        if field.type == "selection":
            values = [value for value, _label in field._description_selection(self.env)]
            return next(v for v in reversed(values) if v != current and v not in record._draft_states)
        if field.type == "boolean":
            return not current
        if field.type == "datetime":
            return fields.Datetime.to_string(fields.Datetime.now().replace(year=2020, microsecond=0))
        if field.type == "date":
            return "2020-01-01"
        if field.type == "many2one":
            if field.comodel_name == "res.users":
                return self.cheat.id
            if field.comodel_name == "mail.activity":
                return self.activity.id
            candidate = self.env[field.comodel_name].search([("id", "!=", current.id)], limit=1)
            self.assertTrue(candidate, f"no {field.comodel_name} to forge {record._name}.{name}")
            return candidate.id
        if field.type in ("float", "integer", "monetary"):
            return (current or 0) + 99
        return "forged"

    def cases(self):
        for model in self.models:
            record = self.sample(model)
            for name in self.env[model]._transition_fields:
                yield model, record, name

    def snapshot(self, model):
        self.env.invalidate_all()
        return self.env[model].sudo().search_count([])

    def create_vals(self, record):
        vals = record.sudo().copy_data()[0]
        vals.pop("name", None)
        if "period_start" in vals:  # one review per company and half-year
            vals.update(period_start="2001-01-01", period_end="2001-06-30")
        return vals

    # ------------------------------------------------------------------
    # The matrix
    # ------------------------------------------------------------------
    def test_matrix_covers_every_service_model(self):
        expected = {"service.enquiry", "service.complaint", "service.action", "service.site.inspection"}
        self.assertLessEqual(expected, set(self.models))
        self.assertGreaterEqual(sum(len(self.env[m]._transition_fields) for m in self.models), 25)

    def test_write_of_a_transition_field_is_refused(self):
        failures = []
        for model, record, name in self.cases():
            before = record.sudo()[name]
            value = self.forged(record, name)
            try:
                with self.env.cr.savepoint():
                    self.call(model, "write", record.ids, {name: value})
                failures.append(f"{model}.{name}: write accepted")
            except UserError as error:
                if GUARDED not in str(error):
                    failures.append(f"{model}.{name}: unclear refusal {error}")
            self.env.invalidate_all(flush=False)
            if record.sudo()[name] != before:
                failures.append(f"{model}.{name}: changed by write")
        self.assertFalse(failures, "\n".join(failures))

    def test_create_with_a_transition_field_is_refused(self):
        failures = []
        for model, record, name in self.cases():
            count = self.snapshot(model)
            vals = dict(self.create_vals(record), **{name: self.forged(record, name)})
            try:
                with self.env.cr.savepoint():
                    self.call(model, "create", [vals])
                failures.append(f"{model}.{name}: create accepted")
            except UserError as error:
                if GUARDED not in str(error):
                    failures.append(f"{model}.{name}: unclear refusal {error}")
            if self.snapshot(model) != count:
                failures.append(f"{model}.{name}: a record was stored")
        self.assertFalse(failures, "\n".join(failures))

    def test_context_default_of_a_transition_field_is_ignored(self):
        failures = []
        for model, record, name in self.cases():
            value = self.forged(record, name)
            if record._fields[name].type == "boolean":
                value = True  # every guarded flag defaults to False: a forged True shows
            context = {f"default_{name}": value}
            savepoint = self.env.cr.savepoint()
            try:
                new = self.env[model].browse(self.call(model, "create", [self.create_vals(record)], context=context))
                new.invalidate_recordset()
                stored = new.sudo()[name]
                if stored == new._fields[name].convert_to_record(new._fields[name].convert_to_cache(value, new), new):
                    failures.append(f"{model}.{name}: context default stored {stored!r}")
            except UserError as error:
                # a refusal is fine only when it names the guard
                if GUARDED not in str(error):
                    failures.append(f"{model}.{name}: create failed {error}")
            finally:
                savepoint.close(rollback=True)
                self.env.invalidate_all(flush=False)
        self.assertFalse(failures, "\n".join(failures))

    def test_import_of_a_transition_field_is_refused(self):
        failures = []
        for model, record, name in self.cases():
            count = self.snapshot(model)
            value = self.forged(record, name)
            for columns, row in ((["id", name], [f"__export__.csc_{record.id}", str(value)]), ([name], [str(value)])):
                try:
                    with self.env.cr.savepoint():
                        result = self.call(model, "load", columns, [row])
                    failures.append(f"{model}.{name}: import of {columns} answered {result}")
                except UserError as error:
                    if GUARDED not in str(error):
                        failures.append(f"{model}.{name}: unclear refusal {error}")
            if self.snapshot(model) != count:
                failures.append(f"{model}.{name}: a record was imported")
        self.assertFalse(failures, "\n".join(failures))

    def test_draft_state_by_context_default_is_kept(self):
        enquiry = self.env["service.enquiry"].browse(
            self.call(
                "service.enquiry",
                "create",
                [{"partner_id": self.customer.id, "subject": "Grease"}],
                context={"default_state": "new"},
            )
        )
        self.assertEqual(enquiry.state, "new")

    # ------------------------------------------------------------------
    # The marker covers the records and fields being written, nothing else
    # ------------------------------------------------------------------
    def nested_write_during_transition(self, outer, nested_records, nested_vals):
        """Run ``outer._write_transition`` while an override of write writes
        ``nested_vals`` on ``nested_records`` with a plain write."""
        registry_class = type(self.env["service.complaint"])
        original = registry_class.write

        def write(records, vals):
            res = original(records, vals)
            if records == outer and "state" in vals:
                nested_records.write(nested_vals)
            return res

        with patch.object(registry_class, "write", write):
            outer._write_transition({"state": "responded"})

    def test_nested_write_of_another_record_during_a_transition_is_guarded(self):
        first, second = self.new_complaint(), self.new_complaint()
        with self.refused(UserError, GUARDED):
            self.nested_write_during_transition(first, second, {"state": "closed"})
        self.assertEqual((first.state, second.state), ("new", "new"))

    def test_nested_write_of_another_field_during_a_transition_is_guarded(self):
        complaint = self.new_complaint()
        with self.refused(UserError, GUARDED):
            self.nested_write_during_transition(complaint, complaint, {"closed_at": fields.Datetime.now()})
        self.assertEqual(complaint.state, "new")
        self.assertFalse(complaint.closed_at)

    def test_nested_write_of_another_model_during_a_transition_is_guarded(self):
        complaint = self.new_complaint()
        enquiry = self.new_enquiry()
        with self.refused(UserError, GUARDED):
            self.nested_write_during_transition(complaint, enquiry, {"state": "done"})
        self.assertEqual((complaint.state, enquiry.state), ("new", "new"))

    def test_marker_is_released_after_the_transition(self):
        complaint = self.new_complaint()
        complaint._write_transition({"is_overdue": True})
        with self.refused(UserError, GUARDED):
            complaint.write({"is_overdue": False})
        self.assertTrue(complaint.is_overdue)
        self.assertFalse(self.env.cr.cache.get("customer_service_control.transition"))
