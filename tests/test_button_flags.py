# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
"""A button shows only when its method accepts the user and the state: the can_* flag
of every transition, for every role and state, against the real RPC call."""

import re

from lxml import etree

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..models import service_action, service_complaint, service_enquiry, service_site_inspection
from .common import ServiceCase

TABLES = {
    "service.enquiry": service_enquiry.TRANSITIONS,
    "service.complaint": service_complaint.TRANSITIONS,
    "service.action": service_action.TRANSITIONS,
    "service.site.inspection": service_site_inspection.TRANSITIONS,
}
# The method behind each flag, when it is not action_<name>, and its arguments.
METHODS = {
    ("service.action", "verify"): ("action_verify_effective", ["Works"]),
    ("service.site.inspection", "refuse"): ("action_refuse", ["Line under maintenance"]),
}
REFUSED = r"is not possible for|needs the role|verified independently"


@tagged("post_install", "-at_install")
class TestButtonFlags(ServiceCase):
    def record_in(self, model, state):
        if model == "service.enquiry":
            record = self.new_enquiry()
        elif model == "service.complaint":
            record = self.new_complaint()
        elif model == "service.action":
            record = self.env["service.action"].with_user(self.manager).create({"title": "Noise test"})
        else:
            record = (
                self.env["service.site.inspection"]
                .with_user(self.sales)
                .create({"partner_id": self.customer.id, "purpose": "Audit"})
            )
        record.sudo()._write_transition({"state": state})
        return record

    def users(self):
        return (self.sales, self.manager, self.inspector, self.technical, self.vp, self.gm)

    def test_flag_matches_what_the_method_accepts(self):
        failures = []
        for model, table in TABLES.items():
            states = [value for value, _label in self.env[model]._fields["state"].selection]
            for state in states:
                record = self.record_in(model, state)
                for user in self.users():
                    if not record.with_user(user).has_access("read"):
                        continue  # the record rules hide it: no form, no button
                    for name in table:
                        flag = record.with_user(user)[f"can_{name}"]
                        method, args = METHODS.get((model, name), (f"action_{name}", []))
                        try:
                            with self.env.cr.savepoint():
                                self.rpc(user, model, method, record.ids, *args)
                            accepted = True
                        except (UserError, AccessError) as error:
                            accepted = not re.search(REFUSED, str(error))
                        self.env.invalidate_all(flush=False)
                        if flag != accepted:
                            failures.append(
                                f"{model} {state} {user.login} can_{name}={flag}, method accepts={accepted}"
                            )
        self.assertFalse(failures, "\n".join(failures))

    def test_every_button_is_shown_by_its_flag(self):
        for model, table in TABLES.items():
            view = self.env["ir.ui.view"].search(
                [("model", "=", model), ("type", "=", "form"), ("mode", "=", "primary")], order="priority, id", limit=1
            )
            arch = etree.fromstring(view.arch)
            for name in table:
                method = METHODS.get((model, name), (f"action_{name}",))[0]
                if method == "action_refuse":
                    method = "action_open_refuse_wizard"
                buttons = arch.xpath(f"//header/button[@name='{method}']")
                self.assertTrue(buttons, f"{model}: no {method} button")
                for button in buttons:
                    self.assertEqual(button.get("invisible"), f"not can_{name}", f"{model}.{method}")
