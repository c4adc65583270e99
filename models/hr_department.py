# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import api, models


class HrDepartment(models.Model):
    _inherit = "hr.department"
    # Typing a department's name in the reader's language finds it too.
    _rec_names_search = ["complete_name", "name"]

    @api.depends("name")
    @api.depends_context("lang")
    def _compute_display_name(self):
        """The path of the translated names (“生产部 / 检验组”) outside English: Odoo shows
        the stored ``complete_name``, which is computed once, in English."""
        lang = self.env.lang or "en_US"
        if lang == "en_US" or not self.env.context.get("hierarchical_naming", True):
            super()._compute_display_name()
            return
        # A department's path is shown with the department, whoever may read its parents.
        for department, path in zip(self, self.sudo(), strict=True):
            names = []
            while path:
                names.append(path.name or "")
                path = path.parent_id
            department.display_name = " / ".join(reversed(names))
