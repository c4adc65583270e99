/** @odoo-module **/
// Part of customer_service_control. See LICENSE file for full copyright and licensing details.

import { registry } from "@web/core/registry";

// Opens the Customer Service dashboard from the app menu as the salesperson of
// tests/test_dashboard_tour.py, checks that the KPI cards show his two open complaints and
// that every chart is drawn, then opens the complaints behind the KPI card.
registry.category("web_tour.tours").add("customer_service_control_dashboard_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the Customer Service app",
            trigger: ".o_app[data-menu-xmlid='customer_service_control.menu_service_root']",
            run: "click",
        },
        {
            content: "The app opens on its dashboard: two open complaints",
            trigger: ".o_service_dashboard_kpi_complaints_open .o_service_dashboard_kpi_value:contains(2)",
        },
        {
            content: "One of them is overdue",
            trigger: ".o_service_dashboard_kpi_complaints_overdue .o_service_dashboard_kpi_value:contains(1)",
        },
        ...[
            "complaint_age",
            "complaint_cause",
            "on_time",
            "returns",
            "satisfaction",
            "capa",
        ].map((key) => ({
            content: `Chart ${key} is drawn`,
            // Chart.js sizes the canvas it draws on.
            trigger: `.o_service_dashboard_chart_${key} canvas[style*='box-sizing']`,
        })),
        {
            content: "Open the complaints behind the KPI card",
            trigger: ".o_service_dashboard_kpi_complaints_open",
            run: "click",
        },
        {
            content: "The list shows the two open complaints",
            trigger: ".o_list_view .o_data_row:nth-child(2)",
        },
        {
            content: "and only them",
            trigger: ".o_list_view:not(:has(.o_data_row:nth-child(3)))",
        },
    ],
});
