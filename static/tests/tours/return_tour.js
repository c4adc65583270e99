import { registry } from "@web/core/registry";

/**
 * A Returned Product Handling Form from the done delivery to the received goods
 * (procedure 4.2.3), one tour per role. Triggers use field and button names, never
 * labels: the tours also run with the interface in Chinese.
 */
function openTab(name) {
    return {
        content: `Open the ${name} page`,
        trigger: `.o_form_view .o_notebook .nav-link[name=${name}]`,
        run: "click",
    };
}

function inState(state) {
    return {
        content: `The form is ${state}`,
        trigger: `.o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=${state}]`,
    };
}

function pressButton(name, nextState) {
    return [
        {
            content: `Press ${name}`,
            trigger: `.o_form_view .o_form_statusbar button[name=${name}]`,
            run: "click",
        },
        nextState
            ? inState(nextState)
            : {
                  content: `${name} done: the button is gone`,
                  trigger: `.o_form_view .o_form_statusbar:not(:has(button[name=${name}]))`,
              },
    ];
}

const save = [
    { content: "Save", trigger: ".o_form_view .o_form_button_save", run: "click" },
    { content: "Saved", trigger: ".o_form_view .o_form_saved" },
];

registry.category("web_tour.tours").add("csc_return_handler_tour", {
    steps: () => [
        {
            content: "Fill in a Return Form from the done delivery",
            trigger: ".o_form_view button[name=action_create_service_return]",
            run: "click",
        },
        inState("draft"),
        // Regression: editing a line, then switching to the Reason page and typing,
        // then saving crashed the form ("Oops!", ListRenderer.focusCell).
        {
            content: "Return 2 of the 10 bearings: edit the line's quantity",
            trigger: ".o_field_widget[name=line_ids] .o_data_row:first td[name=quantity]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=line_ids] .o_selected_row td[name=quantity] input",
            run: "edit 2",
        },
        openTab("reason"),
        {
            content: "State the reason",
            trigger: ".o_field_html[name=reason] .odoo-editor-editable",
            run: "editor Noise above the vibration grade at the customer's incoming inspection.",
        },
        ...save,
        openTab("lines"),
        {
            content: "The edited quantity was kept",
            trigger: ".o_field_widget[name=line_ids] .o_data_row:first td[name=quantity]:contains(2.00)",
        },
        {
            content: "Ask the Sales Manager to confirm",
            trigger: ".o_form_view .o_form_statusbar button[name=action_ask_confirmation]",
            run: "click",
        },
        {
            content: "The Sales Manager has an activity on the form",
            trigger: ".o-mail-Chatter .o-mail-Activity",
        },
    ],
});

registry.category("web_tour.tours").add("csc_return_confirm_tour", {
    steps: () => [inState("draft"), ...pressButton("action_confirm", "confirmed")],
});

registry.category("web_tour.tours").add("csc_return_organise_inspection_tour", {
    steps: () => [
        inState("confirmed"),
        openTab("inspection"),
        {
            content: "Assign the inspector",
            trigger: ".o_field_widget[name=inspector_ids] input",
            run: "edit t_inspector",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(t_inspector)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=inspector_ids] .o_tag:contains(t_inspector)",
        },
        ...pressButton("action_start_inspection", "inspection"),
    ],
});

registry.category("web_tour.tours").add("csc_return_inspect_tour", {
    steps: () => [
        inState("inspection"),
        {
            content: "Record the re-inspection result of the line",
            trigger: ".o_field_widget[name=line_ids] .o_data_row:first td[name=inspection_result]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=line_ids] .o_selected_row td[name=inspection_result] select",
            run: 'select "nonconforming"',
        },
        {
            trigger: ".o_field_widget[name=line_ids] .o_selected_row td[name=defect] textarea",
            run: "edit Vibration 52 dB on the Z3 bench.",
        },
        ...save,
        ...pressButton("action_request_approval", "approval"),
    ],
});

registry.category("web_tour.tours").add("csc_return_approve_tour", {
    steps: () => [
        inState("approval"),
        {
            content: "Approve",
            trigger: ".o_form_view .o_form_statusbar button[name=action_approve]",
            run: "click",
        },
        {
            content: "Signed: no approval left for this user",
            trigger: ".o_form_view .o_form_statusbar:not(:has(button[name=action_approve]))",
        },
    ],
});

registry.category("web_tour.tours").add("csc_return_receive_tour", {
    steps: () => [
        {
            content: "Validate the receipt of the returned goods",
            trigger: ".o_form_view .o_form_statusbar button[name=button_validate]",
            run: "click",
        },
        {
            content: "Received",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=done]",
        },
    ],
});
