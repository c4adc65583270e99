import { registry } from "@web/core/registry";

/**
 * A complaint received by e-mail, walked to its closure by the roles of the procedure
 * (4.2.1-4.2.2). Triggers use field and button names, never labels: the tours also run
 * with the interface in Chinese.
 */
const CUSTOMER = "Wuxi Rolling Mill";

function openTab(name) {
    return {
        content: `Open the ${name} page`,
        trigger: `.o_form_view .o_notebook .nav-link[name=${name}]`,
        run: "click",
    };
}

function pressButton(name) {
    return [
        {
            content: `Press ${name}`,
            trigger: `.o_form_view .o_form_statusbar button[name=${name}]`,
            run: "click",
        },
        {
            content: `${name} done: the button is gone`,
            trigger: `.o_form_view .o_form_statusbar:not(:has(button[name=${name}]))`,
        },
    ];
}

registry.category("web_tour.tours").add("csc_complaint_handler_tour", {
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open Customer Service",
            trigger: '.o_app[data-menu-xmlid="customer_service_control.menu_service_root"]',
            run: "click",
        },
        {
            trigger: '.o_menu_sections [data-menu-xmlid="customer_service_control.menu_service_complaint_root"]',
            run: "click",
        },
        {
            trigger: '.dropdown-item[data-menu-xmlid="customer_service_control.menu_service_complaint"]',
            run: "click",
        },
        {
            content: "Open the complaint that came by e-mail",
            trigger: `.o_list_view .o_data_row td[name=partner_id]:contains(${CUSTOMER})`,
            run: "click",
        },
        openTab("first_response"),
        {
            content: "A person was sent to the customer",
            trigger: ".o_field_widget[name=response_type] input[data-value=person]",
            run: "click",
        },
        {
            trigger: ".o_field_html[name=response_note] .odoo-editor-editable",
            run: "editor Our engineer visited the mill and took the bearings for inspection.",
        },
        ...pressButton("action_respond"),
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=responded]",
        },
        openTab("analysis"),
        {
            content: "Classify the cause: quality",
            trigger: ".o_field_widget[name=cause] select",
            run: 'select "quality"',
        },
        ...pressButton("action_start_analysis"),
        {
            content: "Routed: the routing shows by name with its note",
            trigger: ".o_field_widget[name=routing_id]:not(:empty)",
        },
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=in_analysis]",
        },
    ],
});

registry.category("web_tour.tours").add("csc_complaint_resolver_tour", {
    steps: () => [
        {
            content: "The routed complaint is open for its department",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=in_analysis]",
        },
        openTab("analysis"),
        {
            trigger: ".o_field_html[name=analysis] .odoo-editor-editable",
            run: "editor Grease of the wrong grade: the seals were damaged at assembly.",
        },
        openTab("resolution"),
        {
            trigger: ".o_field_html[name=resolution] .odoo-editor-editable",
            run: "editor Bearings replaced; seals from the new supplier from lot 2026-11.",
        },
        ...pressButton("action_resolve"),
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=resolved]",
        },
    ],
});

registry.category("web_tour.tours").add("csc_complaint_closer_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=resolved]",
        },
        openTab("resolution"),
        {
            trigger: ".o_field_widget[name=customer_acceptance] textarea",
            run: "edit Accepted by the mill's maintenance head on the phone.",
        },
        ...pressButton("action_close"),
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=closed]",
        },
    ],
});
