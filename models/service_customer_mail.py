# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from odoo import SUPERUSER_ID, models

MODULE = "customer_service_control"
# Customer e-mails (data/mail_template_data.xml).
TEMPLATE_COMPLAINT_RECEIVED = f"{MODULE}.mail_template_complaint_received"
TEMPLATE_COMPLAINT_RESPONDED = f"{MODULE}.mail_template_complaint_responded"
TEMPLATE_RETURN_APPROVED = f"{MODULE}.mail_template_return_approved"
TEMPLATE_RETURN_REFUSED = f"{MODULE}.mail_template_return_refused"
TEMPLATE_SATISFACTION_INVITE = f"{MODULE}.mail_template_satisfaction_invite"
# A public subtype no follower is subscribed to by default: the message is a comment
# the customer sees in the portal, e-mailed to the template's recipients only.
SUBTYPE_CUSTOMER_EMAIL = f"{MODULE}.mt_customer_email"


class ServiceCustomerMixin(models.AbstractModel):
    """Customer e-mails of a service record (complaint, return form)."""

    _inherit = "service.customer.mixin"

    def _send_customer_email(self, template_xmlid):
        """Post ``template_xmlid`` on each record as a comment e-mailed to the customer's
        contact only (its ``partner_to``), in the contact's language, written by the
        record's handler; records whose customer has no e-mail address are left out."""
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        messages = self.env["mail.message"]
        if not template:
            return messages
        for rec in self.filtered(lambda rec: (rec.contact_id or rec.partner_id).email):
            # As the superuser: the role was checked by the caller, and the user who acts
            # may be the recipient itself (a portal user filing a complaint), whom Odoo
            # never notifies of its own messages.
            messages |= rec.with_user(SUPERUSER_ID).message_post_with_source(
                template.sudo(),
                message_type="comment",
                subtype_xmlid=SUBTYPE_CUSTOMER_EMAIL,
                author_id=(rec.user_id.partner_id or rec.company_id.partner_id).id,
                email_layout_xmlid="mail.mail_notification_layout_with_responsible_signature",
            )
        return messages
