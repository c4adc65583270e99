import { status } from "@odoo/owl";
import { patch } from "@web/core/utils/patch";
import { ListRenderer } from "@web/views/list/list_renderer";

/**
 * Odoo 18.0's ListRenderer refocuses the edited cell one micro-task after each patch.
 * When the same animation frame also unmounts the list (a form notebook switching to
 * another page while a line is being edited, e.g. the Reason page of a return form),
 * the table is gone by then and focusCell raised "TypeError: Cannot read properties of
 * null (reading 'querySelector')" (the "Oops!" dialog), losing what was being typed.
 * Later Odoo versions return early in that case; do the same here.
 */
patch(ListRenderer.prototype, {
    focusCell(column, forward = true) {
        if (status(this) === "destroyed" || !this.tableRef.el) {
            return;
        }
        return super.focusCell(column, forward);
    },
});
