# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo.tests import tagged
from odoo.tools import convert_file

from ..models.res_company import SERVICE_DEPARTMENTS, SERVICE_ROUTINGS
from .common import ServiceCase

MODULE = "customer_service_control"
DATA_FILE = "data/service_complaint_routing_data.xml"


@tagged("post_install", "-at_install")
class TestCompanySetup(ServiceCase):
    """Every company has the procedure's departments and routing, reusing its own
    departments of the same name; installing and upgrading again duplicates nothing."""

    def routings(self, company):
        return (
            self.env["service.complaint.routing"]
            .with_context(active_test=False)
            .search([("company_id", "=", company.id)])
        )

    def departments(self, company, name):
        return self.env["hr.department"].search([("company_id", "=", company.id), ("name", "=ilike", name)])

    def test_a_company_created_later_gets_its_routing(self):
        company = self.env["res.company"].create({"name": "New Plant Ltd"})
        routings = self.routings(company)
        self.assertEqual(
            sorted(routings.mapped("cause")), sorted(self.env.ref(f"{MODULE}.{x}").cause for x in SERVICE_ROUTINGS)
        )
        self.assertEqual(routings.department_id.company_id, company)
        inspection = routings.filtered(lambda r: r.cause == "quality").department_id
        self.assertEqual(inspection.name, "Inspection Group")
        self.assertEqual(inspection.parent_id, routings.filtered(lambda r: r.cause == "manufacturing").department_id)

    def test_a_department_of_the_same_name_is_reused(self):
        company = self.env["res.company"].create({"name": "Old Plant Ltd"})
        self.routings(company).unlink()
        self.env["hr.department"].search([("company_id", "=", company.id)]).unlink()
        existing = self.env["hr.department"].create({"name": "inspection group", "company_id": company.id})
        company._service_setup_departments()
        self.assertEqual(self.routings(company).filtered(lambda r: r.cause == "quality").department_id, existing)
        self.assertEqual(len(self.departments(company, "Inspection Group")), 1)

    def test_setting_up_twice_creates_nothing_and_keeps_edits(self):
        company = self.env["res.company"].create({"name": "Twice Ltd"})
        quality = self.routings(company).filtered(lambda r: r.cause == "quality")
        quality.write({"note": "Our own note", "user_id": self.inspector.id})
        quality.department_id.name = "QC Lab"
        departments = self.env["hr.department"].search_count([])
        routings = self.env["service.complaint.routing"].with_context(active_test=False).search_count([])
        self.env["res.company"]._service_setup_all_companies()
        self.env["res.company"]._service_setup_all_companies()
        self.assertEqual(self.env["hr.department"].search_count([]), departments)
        self.assertEqual(
            self.env["service.complaint.routing"].with_context(active_test=False).search_count([]), routings
        )
        self.assertEqual(
            (quality.note, quality.user_id, quality.department_id.name), ("Our own note", self.inspector, "QC Lab")
        )

    def test_install_on_a_database_with_departments_and_two_companies(self):
        """Replay the data file as on install, on a database that already has the
        departments by name (without their xml ids) and a second company."""
        second = self.env["res.company"].create({"name": "Second Works Ltd"})
        self.routings(second).unlink()
        main = self.company
        self.env["ir.model.data"].search(
            [("module", "=", MODULE), ("name", "in", list(SERVICE_DEPARTMENTS + SERVICE_ROUTINGS))]
        ).unlink()
        self.routings(main).unlink()
        self.dep_sales.name = "SALES DEPARTMENT"
        before = self.env["hr.department"].search_count([("company_id", "=", main.id)])
        convert_file(self.env, MODULE, DATA_FILE, {}, mode="init", noupdate=True)
        self.assertEqual(self.env["hr.department"].search_count([("company_id", "=", main.id)]), before)
        self.assertEqual(self.env.ref(f"{MODULE}.dep_sales"), self.dep_sales, "the existing department is reused")
        self.assertEqual(len(self.departments(main, "Sales Department")), 1)
        self.assertEqual(len(self.routings(main)), len(SERVICE_ROUTINGS))
        self.assertEqual(len(self.routings(second)), len(SERVICE_ROUTINGS))
        # Upgrading (-u) loads the file again in update mode: nothing twice, edits kept.
        self.env.ref(f"{MODULE}.routing_quality").note = "Edited"
        departments = self.env["hr.department"].search_count([])
        convert_file(self.env, MODULE, DATA_FILE, {}, mode="update", noupdate=True)
        self.env["res.company"]._service_setup_all_companies()
        self.assertEqual(self.env["hr.department"].search_count([]), departments)
        self.assertEqual(len(self.routings(main)), len(SERVICE_ROUTINGS))
        self.assertEqual(self.env.ref(f"{MODULE}.routing_quality").note, "Edited")
