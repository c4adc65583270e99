# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

MODULE = "customer_service_control"
# The departments of procedure section 3 (xml ids of the main company's records, parents
# first), and the complaint routing of 4.2.2.2–4.2.2.4 every company starts with.
SERVICE_DEPARTMENTS = ("dep_production", "dep_inspection", "dep_technical", "dep_sales")
SERVICE_ROUTINGS = (
    "routing_quality",
    "routing_manufacturing",
    "routing_design",
    "routing_misuse",
    "routing_transport",
    "routing_other",
)
# The names the main company's departments are loaded with (data/service_complaint_routing_data.xml).
SERVICE_DEPARTMENT_NAMES = {
    "dep_production": "Production Department",
    "dep_inspection": "Inspection Group",
    "dep_technical": "Technical Department",
    "dep_sales": "Sales Department",
}


class ResCompany(models.Model):
    _inherit = "res.company"

    service_enquiry_reply_days = fields.Integer(
        "Enquiry Reply Period (days)",
        default=2,
        help="Enquiries are answered within this many days of reception (procedure 4.1.1).",
    )
    service_complaint_response_hours = fields.Integer(
        "Complaint Response Period (hours)",
        default=48,
        help="A person or a letter answers a complaint within this many hours (4.2.2.1).",
    )
    service_sla_use_calendar = fields.Boolean(
        "Count Deadlines in Working Time",
        help="Count reply and response periods on the company's working calendar "
        "(24 hours = one working day) instead of calendar time.",
    )
    service_manager_user_id = fields.Many2one(
        "res.users",
        "Service Manager",
        help="Sales Manager who receives a notice for each overdue enquiry or complaint.",
    )

    service_management_rep_id = fields.Many2one(
        "res.users",
        "Management Representative",
        help="Receives the approved service review with the General Manager and the deputies (4.3.3).",
    )

    service_satisfaction_start_date = fields.Date(
        "Satisfaction Targets Start",
        help="The satisfaction targets count their years from this date (procedure 4.1.5): "
        "the first twelve months are year 1. Without a date, the year-1 target applies.",
    )
    service_target_year1 = fields.Float(
        "Satisfaction Target, Year 1 (%)", default=95.0, help="Target satisfaction rate within the first year."
    )
    service_target_year2 = fields.Float(
        "Satisfaction Target, Year 2 (%)", default=97.0, help="Target satisfaction rate within two years."
    )
    service_target_year3 = fields.Float(
        "Satisfaction Target, Year 3 and Later (%)",
        default=98.0,
        help="Target satisfaction rate within three years and afterwards.",
    )
    service_satisfaction_pass_score = fields.Float(
        "Satisfied From Score (%)",
        default=80.0,
        help="A completed survey counts as a satisfied customer when its score reaches this percentage "
        "(80 % = “Satisfied” on every question).",
    )

    # Complaints by e-mail
    service_complaint_alias_id = fields.Many2one(
        "mail.alias",
        "Complaints Alias",
        ondelete="set null",
        copy=False,
        help="E-mails to this address open a complaint of the company.",
    )
    service_complaint_acknowledge_all = fields.Boolean(
        "Acknowledge Every Complaint",
        help="E-mail the acknowledgement of receipt to the contact of every new complaint, not only "
        "to those filed by e-mail or in the portal.",
    )

    _sql_constraints = [
        (
            "service_periods_positive",
            "CHECK(service_enquiry_reply_days > 0 AND service_complaint_response_hours > 0)",
            "Service response periods must be positive.",
        ),
    ]

    @api.constrains(
        "service_target_year1",
        "service_target_year2",
        "service_target_year3",
        "service_satisfaction_pass_score",
    )
    def _check_service_satisfaction_percentages(self):
        for company in self:
            values = (
                company.service_target_year1,
                company.service_target_year2,
                company.service_target_year3,
                company.service_satisfaction_pass_score,
            )
            if any(value < 0 or value > 100 for value in values):
                raise ValidationError(
                    self.env._("Satisfaction targets and the satisfied-from score are percentages between 0 and 100.")
                )

    def _service_satisfaction_target(self, date):
        """Target satisfaction rate (percent) on ``date``: year 1 is the first twelve
        months from the start date, year 2 the next twelve, year 3 and later after."""
        self.ensure_one()
        day = fields.Date.to_date(date) or fields.Date.context_today(self)
        start = self.service_satisfaction_start_date
        year = relativedelta(day, start).years + 1 if start and day >= start else 1
        if year == 1:
            return self.service_target_year1
        if year == 2:
            return self.service_target_year2
        return self.service_target_year3

    # ------------------------------------------------------------------
    # Departments and complaint routing of each company
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._service_setup_departments()
        return companies

    @api.model
    def _service_adopt_main_departments(self):
        """Before the main company's departments are loaded on install: give their xml
        ids to the departments of the same name (case-insensitive) it already has, so
        that loading them updates those instead of adding duplicates."""
        company = self.env.ref("base.main_company")
        for xmlid in SERVICE_DEPARTMENTS:
            if self.env.ref(f"{MODULE}.{xmlid}", raise_if_not_found=False):
                continue
            department = company._service_find_department(SERVICE_DEPARTMENT_NAMES[xmlid])
            if department:
                self.env["ir.model.data"].sudo().create(
                    {
                        "module": MODULE,
                        "name": xmlid,
                        "model": "hr.department",
                        "res_id": department.id,
                        "noupdate": True,
                    }
                )

    @api.model
    def _service_setup_all_companies(self):
        """Install (and upgrade) hook: every company gets its departments and routing."""
        self.sudo().search([])._service_setup_departments()  # pylint: disable=no-search-all

    def _service_setup_departments(self):
        """Give each company of self the departments and complaint routing of the procedure,
        copied from the main company's, reusing a department of the same name
        (case-insensitive) the company has. Idempotent: a cause already routed in a
        company, and every department found, are left as they are."""
        templates = [self.env.ref(f"{MODULE}.{xmlid}", raise_if_not_found=False) for xmlid in SERVICE_ROUTINGS]
        templates = [routing.sudo() for routing in templates if routing]
        if not templates:
            return
        Routing = self.env["service.complaint.routing"].sudo().with_context(active_test=False)
        routed = {
            (company.id, cause)
            for company, cause in Routing._read_group([("company_id", "in", self.ids)], ["company_id", "cause"])
        }
        for company in self.sudo():
            mapped = {}
            for routing in templates:
                if routing.company_id == company or (company.id, routing.cause) in routed:
                    continue
                department = company._service_department_like(routing.department_id, mapped)
                routing.copy({"company_id": company.id, "department_id": department.id, "user_id": False})

    def _service_find_department(self, name):
        self.ensure_one()
        return (
            self.env["hr.department"]
            .sudo()
            .search([("company_id", "=", self.id), ("name", "=ilike", name)], order="id", limit=1)
        )

    def _service_department_like(self, template, mapped):
        """The department of this company named like ``template`` (another company's),
        created with its parent when there is none; ``mapped`` caches the answers."""
        self.ensure_one()
        if not template:
            return template
        if template not in mapped:
            department = self._service_find_department(template.name)
            if not department:
                parent = self._service_department_like(template.parent_id, mapped)
                department = template.copy({"company_id": self.id, "parent_id": parent.id, "manager_id": False})
            mapped[template] = department
        return mapped[template]

    # ------------------------------------------------------------------
    # Complaints alias of each company
    # ------------------------------------------------------------------
    def _service_complaint_alias_values(self):
        """Values of the company's complaints alias: everyone may write, every complaint
        it opens belongs to the company."""
        self.ensure_one()
        return {
            "alias_model_id": self.env["ir.model"]._get_id("service.complaint"),
            "alias_defaults": repr({"company_id": self.id}),
            "alias_contact": "everyone",
            "alias_domain_id": self.alias_domain_id.id,
        }

    def _service_set_complaint_alias(self, alias_name):
        """Give each company of self the complaints alias ``alias_name`` (no name: the
        alias stays, receiving nothing), creating it when the company has none."""
        for company in self.sudo():
            alias = company.service_complaint_alias_id
            if alias:
                alias.write({"alias_name": alias_name or False, **company._service_complaint_alias_values()})
            elif alias_name:
                company.service_complaint_alias_id = (
                    self.env["mail.alias"]
                    .sudo()
                    .create({"alias_name": alias_name, **company._service_complaint_alias_values()})
                )
