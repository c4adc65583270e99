import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("csc_return_form_tour", {
    steps: () => [
        {
            content: "Fill in a Return Form from the done delivery",
            trigger: ".o_form_view button[name=action_create_service_return]",
            run: "click",
        },
        {
            content: "Edit the quantity of the first returned product",
            trigger: ".o_field_widget[name=line_ids] .o_data_row:first td[name=quantity]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=line_ids] .o_selected_row td[name=quantity] input",
            run: "edit 2",
        },
        {
            content: "Switch to the Reason page",
            trigger: ".o_notebook .nav-link[name=reason]",
            run: "click",
        },
        {
            content: "Type the reason",
            trigger: ".o_field_html[name=reason] .odoo-editor-editable",
            run: "editor Noise above the vibration grade at incoming inspection.",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved, without an error dialog",
            trigger: ".o_form_view .o_form_saved, .o_form_view:not(:has(.o_form_status_indicator_buttons:not(.invisible)))",
        },
    ],
});
