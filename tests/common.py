# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from datetime import datetime

from odoo.api import call_kw
from odoo.service.model import get_public_method
from odoo.tests import TransactionCase, new_test_user

GROUP = "customer_service_control.group_service_"


class ServiceCase(TransactionCase):
    """Users of every role, a key customer with a contact, routed departments."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.main_company")

        def user(login, *roles, extra=""):
            groups = ",".join(["base.group_user"] + [GROUP + role for role in roles])
            return new_test_user(cls.env, login=login, groups=groups + extra, company_id=cls.company.id)

        cls.sales = user("t_sales", "user", extra=",sales_team.group_sale_salesman")
        cls.manager = user("t_manager", "manager", extra=",sales_team.group_sale_manager")
        cls.inspector = user("t_inspector", "inspector")
        cls.prod_manager = user("t_prod_manager", "production_manager")
        cls.technical = user("t_technical", "technical")
        cls.leader = user("t_leader", "leader")
        cls.vp = user("t_vp", "production_vp")
        cls.gm = user("t_gm", "general_manager")
        cls.company.service_manager_user_id = cls.manager

        cls.customer = cls.env["res.partner"].create(
            {"name": "Test Motor Works", "is_company": True, "is_key_customer": True}
        )
        cls.contact = cls.env["res.partner"].create({"name": "Zhang San", "parent_id": cls.customer.id})

        def department_led_by(xmlid, manager):
            department = cls.env.ref(f"customer_service_control.{xmlid}")
            employee = cls.env["hr.employee"].create(
                {"name": manager.name, "user_id": manager.id, "company_id": cls.company.id}
            )
            department.manager_id = employee
            return department

        cls.dep_inspection = department_led_by("dep_inspection", cls.inspector)
        cls.dep_production = department_led_by("dep_production", cls.prod_manager)
        cls.dep_technical = department_led_by("dep_technical", cls.technical)
        cls.dep_sales = department_led_by("dep_sales", cls.manager)

    # ------------------------------------------------------------------
    # Builders
    # ------------------------------------------------------------------
    @staticmethod
    def dt(text):
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")

    def new_enquiry(self, user=None, **vals):
        values = {
            "partner_id": self.customer.id,
            "contact_id": self.contact.id,
            "channel": "phone",
            "subject": "Bearing clearance for a 4-pole motor",
        }
        values.update(vals)
        return self.env["service.enquiry"].with_user(user or self.sales).create(values)

    def new_complaint(self, user=None, **vals):
        values = {
            "partner_id": self.customer.id,
            "contact_id": self.contact.id,
            "description": "<p>Noise on 6205 bearings after 200 hours.</p>",
        }
        values.update(vals)
        return self.env["service.complaint"].with_user(user or self.sales).create(values)

    def routed_complaint(self, cause, **vals):
        """A complaint answered and routed for ``cause``, as the salesperson."""
        complaint = self.new_complaint(**vals)
        complaint.write({"response_type": "person"})
        complaint.action_respond()
        complaint.cause = cause
        complaint.action_start_analysis()
        return complaint

    def activities(self, record, xmlid, user=None):
        domain = [
            ("res_model", "=", record._name),
            ("res_id", "in", record.ids),
            ("activity_type_id", "=", self.env.ref(xmlid).id),
        ]
        if user:
            domain.append(("user_id", "=", user.id))
        return self.env["mail.activity"].search(domain)

    def rpc(self, user, model, method, *args, **kwargs):
        """Call ``method`` as an RPC client of ``user`` would: public methods only,
        through the same dispatcher (``call_kw``), with an empty context."""
        records = self.env(user=user, context={})[model]
        get_public_method(records, method)
        return call_kw(records, method, list(args), kwargs)
