# Part of customer_service_control. See LICENSE file for full copyright and licensing details.
from psycopg2.errors import LockNotAvailable

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL


class StockReturnPicking(models.TransientModel):
    """Odoo's return wizard unreserves the open returns of the moves it returns (an
    earlier return form's receipt of the same delivery, or a return made with the Return
    button): they are locked first and reserved again after, a form's with its lots.
    Whichever door creates the return, the form's button or Odoo's."""

    _inherit = "stock.return.picking"

    def _create_return(self):
        returned = self.product_return_moves.move_id
        # Only the returns among what the wizard unreserves: the next steps of a chained
        # route (pick, then ship) are left to Odoo.
        open_returns = (returned.move_dest_ids & returned.returned_move_ids).filtered(
            lambda move: move.state not in ("done", "cancel")
        )
        self._lock_open_returns(open_returns)
        picking = super()._create_return()
        self._reserve_again(open_returns)
        return picking

    def _lock_open_returns(self, moves):
        """Lock ``moves`` and their move lines, or refuse at once while a storekeeper is
        receiving one of them: the wizard deletes their lines one move after the other,
        the storekeeper's request writes the moves first, and the two would deadlock."""
        if not moves:
            return
        try:
            with self.env.cr.savepoint(flush=False):
                for table, column in (("stock_move", "id"), ("stock_move_line", "move_id")):
                    self.env.cr.execute(
                        SQL(
                            "SELECT id FROM %s WHERE %s IN %s ORDER BY id FOR UPDATE NOWAIT",
                            SQL.identifier(table),
                            SQL.identifier(column),
                            tuple(moves.ids),
                        ),
                        log_exceptions=False,  # an expected refusal, not an error of the log
                    )
        except LockNotAvailable:
            raise UserError(
                self.env._(
                    "Another user is receiving %(receipts)s; try again in a moment.",
                    receipts=", ".join(moves.picking_id.mapped("name")),
                )
            ) from None

    def _reserve_again(self, moves):
        """Reserve ``moves`` again; a return form's receipt gets back the lots the form
        returns (the form's lines are read as superuser: whoever returns goods with Odoo's
        button need not see the forms)."""
        unreserved = moves.filtered(lambda move: move.state not in ("assigned", "done", "cancel"))
        if not unreserved:
            return
        # A move whose receipt was started (picked lines, kept by the wizard) keeps them.
        started = unreserved.move_line_ids.filtered("picked").move_id
        unreserved._action_assign()
        form_lines = (
            self.env["service.return.line"].sudo().search([("return_move_id", "in", (unreserved - started).ids)])
        )
        by_receipt = form_lines.grouped(lambda line: (line.return_id, line.return_move_id.picking_id))
        for (form, picking), lines in by_receipt.items():
            form._set_return_lots(picking, lines)
