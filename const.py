# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
"""Constants shared by the models, wizards and tests of the add-on."""

_GROUP = "customer_service_control.group_service_"

# Roles of the procedure (section 3), as res.groups xml ids.
GROUP_USER = _GROUP + "user"
GROUP_MANAGER = _GROUP + "manager"
GROUP_INSPECTOR = _GROUP + "inspector"
GROUP_PRODUCTION_MANAGER = _GROUP + "production_manager"
GROUP_TECHNICAL = _GROUP + "technical"
GROUP_LEADER = _GROUP + "leader"
GROUP_VP = _GROUP + "production_vp"
GROUP_GM = _GROUP + "general_manager"

# Scheduled actions: one call handles one batch, the cron runner calls again while some
# remain (ir.cron._notify_progress). 100 is the ORM's insert batch
# (odoo.models.INSERT_BATCH_SIZE): a batch creates its visits and activities in one INSERT each.
VISIT_PLANNING_BATCH_SIZE = 100
ACTION_REMINDER_BATCH_SIZE = 100
# The half-yearly drafts: companies per call (a review computes its statistics on creation).
DRAFT_COMPANY_BATCH_SIZE = 1
