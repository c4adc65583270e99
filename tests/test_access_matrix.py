# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .access_matrix import ACTIONS, KNOWN_GAPS, MATRIX, OPERATIONS, READERS, ROLES
from .common import ReturnCase

ADDON = "odoo.addons.customer_service_control"
QUIET = ("odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule", "odoo.models")


RETURN_WALK = ("draft", "confirmed", "inspection", "approval")


class _Rollback(Exception):
    """Raised inside a savepoint to undo a call that succeeded."""


class AccessFixtures(ReturnCase):
    """Users of every role (+ portal, + internal without role, + another company's
    manager) and two records A and B of every model."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Foreign Bearings Ltd"})
        cls.sales2 = new_test_user(
            cls.env,
            login="t_sales2",
            groups="base.group_user,customer_service_control.group_service_user",
            company_id=cls.company.id,
        )
        cls.users = {
            "sales": cls.sales,
            "manager": cls.manager,
            "inspector": cls.inspector,
            "prod_manager": cls.prod_manager,
            "technical": cls.technical,
            "leader": cls.leader,
            "vp": cls.vp,
            "gm": cls.gm,
            "portal": new_test_user(cls.env, login="t_portal", groups="base.group_portal", company_id=cls.company.id),
            "internal": new_test_user(cls.env, login="t_internal", groups="base.group_user", company_id=cls.company.id),
            "foreign": new_test_user(
                cls.env,
                login="t_foreign",
                groups="base.group_user,customer_service_control.group_service_manager",
                company_id=cls.other_company.id,
            ),
        }
        cls.customer_b = cls.env["res.partner"].create(
            {"name": "Customer of Another Salesperson", "is_company": True, "user_id": cls.sales2.id}
        )
        cls.fixtures = cls._build_fixtures()

    @classmethod
    def _build_fixtures(cls):
        """Records A (t_sales's customer, routed to the Inspection Group, re-inspected by
        t_inspector) and B (another salesperson's customer, routed to the Technical
        Department with the Production Manager responsible), built as superuser."""
        env = cls.env
        a, b = cls.customer, cls.customer_b
        owners = {"A": (a, cls.sales), "B": (b, cls.sales2)}

        def pair(model, values):
            return dict(zip("AB", env[model].create([values(key, *owners[key]) for key in "AB"]), strict=True))

        enquiries = pair(
            "service.enquiry",
            lambda key, partner, user: {
                "partner_id": partner.id,
                "user_id": user.id,
                "channel": "phone",
                "subject": f"Enquiry {key}",
            },
        )
        inspections = pair(
            "service.site.inspection",
            lambda key, partner, user: {"partner_id": partner.id, "user_id": user.id, "purpose": f"Plant tour {key}"},
        )
        complaints = pair(
            "service.complaint",
            lambda key, partner, user: {"partner_id": partner.id, "user_id": user.id, "description": f"<p>{key}</p>"},
        )
        complaints["A"].write({"department_id": cls.dep_inspection.id})
        complaints["B"].write({"department_id": cls.dep_technical.id, "responsible_user_id": cls.prod_manager.id})
        actions = env["service.action"].create(
            [
                {
                    "title": "Action A",
                    "source_ref": f"service.complaint,{complaints['A'].id}",
                    # Owned by the salesperson: its verifiers are never its owner.
                    "user_id": cls.sales.id,
                    "department_id": cls.dep_inspection.id,
                },
                {
                    "title": "Action B",
                    "source_ref": f"service.complaint,{complaints['B'].id}",
                    "user_id": cls.technical.id,
                    "department_id": cls.dep_technical.id,
                },
            ]
        )
        returns = {}
        for key in "AB":
            partner, user = owners[key]
            _order, delivery = cls.sell_and_deliver([(cls.bearing, 5, None)], partner=partner)
            returns[key] = env["service.return"]._create_from_pickings(
                delivery,
                return_type_id=env.ref("customer_service_control.return_type_partial").id,
                reason=f"<p>Return {key}</p>",
                user_id=user.id,
                complaint_id=complaints[key].id,
            )
            returns[key]._log_approval("confirmation", group=env.ref("customer_service_control.group_service_manager"))
        returns["A"].inspector_ids = cls.inspector
        visits = pair(
            "service.visit",
            lambda key, partner, user: {"partner_id": partner.id, "user_id": user.id, "planned_date": "2026-05-04"},
        )
        findings = env["service.visit.finding"].create(
            [
                {"visit_id": visits["A"].id, "customer_said": "Noise", "department_id": cls.dep_inspection.id},
                {"visit_id": visits["B"].id, "customer_said": "Drawing", "department_id": cls.dep_technical.id},
            ]
        )
        campaign = env["service.satisfaction.campaign"].create(
            {"period_start": date(2026, 1, 1), "audience": "list", "partner_ids": [Command.set(a.ids)]}
        )
        question = campaign.survey_id.question_ids[:1]
        result = env["service.satisfaction.question.result"].create(
            {"campaign_id": campaign.id, "question_id": question.id}
        )
        review = env["service.review"].create(
            {"period_start": date(2025, 7, 1), "period_end": date(2025, 12, 31), "user_id": cls.manager.id}
        )
        stat = env["service.review.stat"].create(
            {"review_id": review.id, "category": "complaint_cause", "label": "Quality"}
        )
        return {
            "service.enquiry": enquiries,
            "service.site.inspection": inspections,
            "service.complaint": complaints,
            "service.complaint.routing": {"A": env.ref("customer_service_control.routing_design")},
            "service.action": dict(zip("AB", actions, strict=True)),
            "service.return": returns,
            "service.return.line": {key: ret.line_ids[:1] for key, ret in returns.items()},
            "service.return.approval": {key: ret.approval_ids[:1] for key, ret in returns.items()},
            "service.return.type": {"A": env.ref("customer_service_control.return_type_partial")},
            "service.product.grade": {"A": env.ref("customer_service_control.grade_precision_p5")},
            "service.visit": visits,
            "service.visit.finding": dict(zip("AB", findings, strict=True)),
            "service.satisfaction.campaign": {"A": campaign},
            "service.satisfaction.question.result": {"A": result},
            "service.review": {"A": review},
            "service.review.stat": {"A": stat},
        }


@tagged("post_install", "-at_install")
class TestAccessMatrix(AccessFixtures):
    """Every model × every role × read/write/create/unlink, and every action_* × role,
    compared with the one table of tests/access_matrix.py."""

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _expected(self, model, role):
        """{operation: set of fixture keys (or {"*"} for a model without fixtures)}."""
        tokens = MATRIX[model].get(role, "- - - -").split()
        keys = set(self.fixtures.get(model, {"*": None}))
        return {
            op: keys if token == "*" else set() if token == "-" else {token}
            for op, token in zip(OPERATIONS, tokens, strict=True)
        }

    def _call(self, user, model, method, *args):
        """Run an RPC call in a savepoint, always rolled back: None when it passed the
        access checks (succeeded, or refused by a business rule), else the AccessError."""
        try:
            with mute_logger(*QUIET), self.env.cr.savepoint():
                self.rpc(user, model, method, *args)
                raise _Rollback
        except _Rollback:
            return None
        except AccessError as error:
            return error
        except Exception:
            return None
        finally:
            self.env.invalidate_all(flush=False)

    def _allowed(self, user, model, op):
        """Fixture keys ``user`` may ``op``: by the ORM's own check (ACL and record rules)
        and by a real RPC call (search/read, write, unlink), which must agree."""
        records = self.fixtures.get(model)
        env = self.env(user=user, context={})
        if records is None:
            return ({"*"} if env[model].has_access(op) else set()), None
        by_orm = {key for key, record in records.items() if record.with_env(env).has_access(op)}
        if op == "read":
            ids = [record.id for record in records.values()]
            try:
                with mute_logger(*QUIET):
                    found = set(self.rpc(user, model, "search", [("id", "in", ids)]))
            except AccessError:
                found = set()
            by_call = {key for key, record in records.items() if record.id in found}
            by_call &= {
                key for key, record in records.items() if not self._call(user, model, "read", record.ids, ["id"])
            }
        elif op == "write":
            by_call = {key for key, record in records.items() if not self._call(user, model, "write", record.ids, {})}
        elif op == "unlink":
            by_call = {key for key, record in records.items() if not self._call(user, model, "unlink", record.ids)}
        else:
            by_call = None  # create: the ORM checks the created record with has_access("create")
        return by_orm, by_call

    # ------------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------------
    def test_every_model_of_the_add_on_is_in_the_matrix(self):
        own_models = {
            name
            for name in self.env["ir.model.data"]
            .search([("module", "=", "customer_service_control"), ("model", "=", "ir.model")])
            .mapped(lambda data: self.env["ir.model"].browse(data.res_id).model)
            if not self.env[name]._abstract and self.env[name]._original_module == "customer_service_control"
        }
        self.assertIn("service.return.line", own_models)
        self.assertEqual(own_models - set(MATRIX), set(), "models of the add-on missing from the matrix")
        self.assertEqual(set(ACTIONS) - set(MATRIX), set())

    def test_access_matrix(self):
        mismatches = []
        for model in MATRIX:
            for role in ROLES:
                expected = self._expected(model, role)
                for op in OPERATIONS:
                    by_orm, by_call = self._allowed(self.users[role], model, op)
                    for how, got in (("rights", by_orm), ("RPC call", by_call)):
                        if got is None or got == expected[op]:
                            continue
                        allow = sorted(got - expected[op])
                        deny = sorted(expected[op] - got)
                        mismatches.append(
                            f"{model} × {role} × {op} ({how}): "
                            + (f"unexpected allow {allow} " if allow else "")
                            + (f"unexpected deny {deny}" if deny else "")
                        )
        self.assertFalse(mismatches, "\n" + "\n".join(mismatches))

    def test_every_action_is_refused_to_the_roles_not_named(self):
        mismatches, gaps = [], set()
        for model, methods in ACTIONS.items():
            public = {
                name
                for name in dir(self.env[model])
                if name.startswith("action_")
                and getattr(getattr(type(self.env[model]), name), "__module__", "").startswith(ADDON)
            }
            for missing in sorted(public - set(methods)):
                mismatches.append(f"{model}.{missing}: not in the ACTIONS table")
            records = self.fixtures[model]
            readers = {role for role in ROLES if MATRIX[model].get(role, "-").split()[0] != "-"}
            for method, (state, allowed, args) in methods.items():
                opens_a_view = allowed == READERS
                allowed = readers if opens_a_view else allowed
                for role in ROLES:
                    user = self.users[role]
                    visible = [r for r in records.values() if r.with_user(user).has_access("read")]
                    record = (visible or list(records.values()))[0]
                    error = self._call_in_state(user, record, state, method, *args)
                    refused = error is not None
                    key = (model, method, role)
                    if opens_a_view and not refused:
                        continue  # returns a window whose records are then read under the user's rules
                    if refused == (role in allowed):
                        if key in KNOWN_GAPS:
                            gaps.add(key)
                            continue
                        verdict = f"unexpected deny: {error}" if refused else "unexpected allow"
                        mismatches.append(f"{model}.{method} × {role}: {verdict}")
                    elif refused and visible and "role" not in str(error):
                        mismatches.append(f"{model}.{method} × {role}: refused without naming the role: {error}")
        fixed = KNOWN_GAPS - gaps
        self.assertFalse(fixed, f"known gaps now hold, remove them from KNOWN_GAPS: {sorted(fixed)}")
        self.assertFalse(mismatches, "\n" + "\n".join(mismatches))

    def _walk_return(self, ret, state):
        """Walk a draft form to ``state`` through its buttons (as superuser), so that its
        approval steps are fixed on it as a real form's are."""
        ret = ret.sudo()
        steps = RETURN_WALK.index(state)
        if steps >= 1:
            ret.action_confirm()
        if steps >= 2:
            ret.inspector_ids = ret.inspector_ids or self.inspector
            ret.action_start_inspection()
        if steps >= 3:
            ret.line_ids.write(
                {"inspection_result": "nonconforming", "defect": "Dent", "inspector_id": ret.inspector_ids[0].id}
            )
            ret.action_request_approval()

    def _call_in_state(self, user, record, state, method, *args):
        """Put ``record`` in ``state`` (as superuser), call ``method`` as ``user`` through
        RPC, roll everything back; return the AccessError or None."""
        try:
            with mute_logger(*QUIET), self.env.cr.savepoint():
                if record._name == "service.return" and state in RETURN_WALK:
                    self._walk_return(record, state)
                elif state:
                    record.write({"state": state})
                # An RPC call starts with an empty cache: values read here come from the database.
                self.env.invalidate_all()
                self.rpc(user, record._name, method, record.ids, *args)
                raise _Rollback
        except _Rollback:
            return None
        except AccessError as error:
            return error
        except Exception:
            return None
        finally:
            self.env.invalidate_all(flush=False)


@tagged("post_install", "-at_install")
class TestWhoSeesWhat(AccessFixtures):
    """The record rules as a user meets them through RPC: search, counts, groupings,
    name search, create and write of someone else's record."""

    def test_salesperson_finds_nothing_of_another_salespersons_customer(self):
        mine, other = self.fixtures["service.complaint"].values()
        rpc = self.rpc
        self.assertEqual(rpc(self.sales, "service.complaint", "search", [("id", "in", (mine | other).ids)]), mine.ids)
        self.assertEqual(
            rpc(self.sales, "service.complaint", "search_count", [("partner_id", "=", self.customer_b.id)]), 0
        )
        self.assertFalse(rpc(self.sales, "service.complaint", "name_search", other.name))
        groups = rpc(self.sales, "service.return.line", "read_group", [], ["quantity:sum"], ["return_id"])
        self.assertEqual([group["return_id"][0] for group in groups], self.fixtures["service.return"]["A"].ids)
        with self.refused(AccessError, "Customer Complaint"), mute_logger(*QUIET):
            rpc(self.sales, "service.complaint", "read", other.ids, ["description"])

    def test_salesperson_cannot_take_over_another_salespersons_complaint(self):
        other = self.fixtures["service.complaint"]["B"]
        with self.refused(AccessError, "Customer Complaint"), mute_logger(*QUIET):
            self.rpc(self.sales, "service.complaint", "write", other.ids, {"user_id": self.sales.id})
        self.assertEqual(other.user_id, self.sales2)

    def test_salesperson_cannot_file_a_record_he_would_not_see(self):
        count = self.env["service.complaint"].search_count([])
        with self.refused(AccessError, "Customer Complaint"), mute_logger(*QUIET):
            self.rpc(
                self.sales,
                "service.complaint",
                "create",
                {"partner_id": self.customer_b.id, "user_id": self.sales2.id, "description": "<p>Rust</p>"},
            )
        self.assertEqual(self.env["service.complaint"].search_count([]), count)
        # Received by him for that customer, he handles it and sees it.
        created = self.rpc(
            self.sales, "service.complaint", "create", {"partner_id": self.customer_b.id, "description": "<p>Rust</p>"}
        )
        self.assertEqual(self.env["service.complaint"].browse(created).user_id, self.sales)

    def test_the_customers_new_salesperson_sees_its_records_at_once(self):
        """Records the salesperson does not handle, seen because the customer is his;
        when the customer passes to another salesperson, so do the records."""
        a = {model: records["A"] for model, records in self.fixtures.items() if "customer_user_id" in records["A"]}
        self.assertEqual(
            set(a),
            {"service.enquiry", "service.site.inspection", "service.complaint", "service.return", "service.visit"},
        )
        children = {
            "service.return.line": a["service.return"].line_ids,
            "service.visit.finding": a["service.visit"].finding_ids,
        }
        for records in a.values():
            records.user_id = self.manager
        seen = dict(a, **children)

        def found(user, model):
            return self.rpc(user, model, "search", [("id", "in", seen[model].ids)])

        for model, records in seen.items():
            self.assertEqual(found(self.sales, model), records.ids, model)
            self.assertFalse(found(self.sales2, model), model)
        self.rpc(self.manager, "res.partner", "write", self.customer.ids, {"user_id": self.sales2.id})
        for model, records in seen.items():
            self.assertFalse(found(self.sales, model), model)
            self.assertEqual(found(self.sales2, model), records.ids, model)

    def test_merged_customers_records_go_to_the_kept_customers_salesperson(self):
        """Odoo's contact merge moves the records in SQL; the stored salesperson follows."""
        a = {model: records["A"] for model, records in self.fixtures.items() if "customer_user_id" in records["A"]}
        for records in a.values():
            records.user_id = self.manager
        self.env["base.partner.merge.automatic.wizard"]._merge(
            (self.customer | self.customer_b).ids, self.customer_b, extra_checks=False
        )
        self.env.invalidate_all()
        for model, records in a.items():
            self.assertEqual(records.commercial_partner_id, self.customer_b, model)
            self.assertEqual(records.customer_user_id, self.sales2, model)
            self.assertFalse(self.rpc(self.sales, model, "search", [("id", "in", records.ids)]), model)
            self.assertEqual(self.rpc(self.sales2, model, "search", [("id", "in", records.ids)]), records.ids, model)

    def test_the_customers_salesperson_cannot_be_written_on_a_record(self):
        """Written, it is refused; given to create or import, it is the customer's."""
        complaint = self.fixtures["service.complaint"]["B"]
        with self.refused(ValidationError, "The customer's salesperson is set on the customer"):
            self.rpc(self.manager, "service.complaint", "write", complaint.ids, {"customer_user_id": self.sales.id})
        self.assertEqual(complaint.customer_user_id, self.sales2)
        forged = {"partner_id": self.customer_b.id, "customer_user_id": self.sales.id, "user_id": self.sales2.id}
        created = self.rpc(self.manager, "service.complaint", "create", dict(forged, description="<p>Rust</p>"))
        result = self.rpc(
            self.manager,
            "service.complaint",
            "load",
            ["partner_id/.id", "customer_user_id/.id", "user_id/.id", "description"],
            [[str(self.customer_b.id), str(self.sales.id), str(self.sales2.id), "Rust"]],
        )
        self.assertEqual(len(result["ids"]), 1, result["messages"])
        self.env.invalidate_all()
        records = self.env["service.complaint"].browse([created, *result["ids"]])
        self.assertEqual(records.customer_user_id, self.sales2)
        self.assertFalse(self.rpc(self.sales, "service.complaint", "search", [("id", "in", records.ids)]))

    def test_one_more_role_never_shows_fewer_records(self):
        complaints = self.fixtures["service.complaint"]
        both = complaints["A"] | complaints["B"]
        self.leader.groups_id = [Command.link(self.env.ref("customer_service_control.group_service_user").id)]
        self.inspector.groups_id = [Command.link(self.env.ref("customer_service_control.group_service_user").id)]
        self.assertEqual(both.with_user(self.leader)._filtered_access("read"), both)
        # Leadership reads all, writes as a salesperson: his own customers only (none here).
        self.assertFalse(both.with_user(self.leader)._filtered_access("write"))
        # Routed to his department (A) or of his customers (none): A only, as before.
        self.assertEqual(both.with_user(self.inspector)._filtered_access("read"), complaints["A"])
        self.assertEqual(
            self.fixtures["service.enquiry"]["B"].with_user(self.inspector)._filtered_access("read"),
            self.fixtures["service.enquiry"]["B"],
        )

    def test_department_member_sees_what_is_routed_to_the_department_while_member(self):
        other = self.fixtures["service.complaint"]["B"]
        engineer = new_test_user(
            self.env,
            login="t_engineer",
            groups="base.group_user,customer_service_control.group_service_technical",
            company_id=self.company.id,
        )
        employee = self.env["hr.employee"].create(
            {"name": "Engineer", "user_id": engineer.id, "department_id": self.dep_technical.id}
        )
        self.assertEqual(self.rpc(engineer, "service.complaint", "search", [("id", "=", other.id)]), other.ids)
        employee.department_id = self.dep_production
        self.assertFalse(self.rpc(engineer, "service.complaint", "search", [("id", "=", other.id)]))

    def test_form_children_follow_their_form(self):
        ret_a, ret_b = self.fixtures["service.return"].values()
        for model, field in (("service.return.line", "line_ids"), ("service.return.approval", "approval_ids")):
            found = self.rpc(self.inspector, model, "search", [("return_id", "in", (ret_a | ret_b).ids)])
            self.assertEqual(found, ret_a[field].ids, model)
            found = self.rpc(self.technical, model, "search", [("return_id", "in", (ret_a | ret_b).ids)])
            self.assertEqual(found, ret_b[field].ids, model)
