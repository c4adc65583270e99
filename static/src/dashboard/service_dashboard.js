/** @odoo-module **/
// Part of customer_service_control. See LICENSE file for full copyright and licensing details.

import { Component, onWillStart, useEffect, useRef, useState } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { cookie } from "@web/core/browser/cookie";
import { getColor, getCustomColor } from "@web/core/colors/colors";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

// Colours that carry a meaning (the rest follow Odoo's graph palette).
const STATE_COLORS = {
    verified: "#28a745",
    ineffective: "#dc3545",
    refused: "#dc3545",
    cancelled: "#adb5bd",
    done: "#28a745",
};
const TARGET_COLOR = "#dc3545";

/** Opens the records a figure counts, in the model's own list, kanban and form views. */
function openRecords(action, model, domain, name) {
    return action.doAction({
        type: "ir.actions.act_window",
        name,
        res_model: model,
        domain,
        views: [
            [false, "list"],
            [false, "kanban"],
            [false, "form"],
        ],
        target: "current",
    });
}

export class ServiceDashboardChart extends Component {
    static template = "customer_service_control.DashboardChart";
    static props = { chart: Object };

    setup() {
        this.action = useService("action");
        this.canvasRef = useRef("canvas");
        this.chart = null;
        useEffect(
            () => {
                this.renderChart();
                return () => this.chart?.destroy();
            },
            () => [this.props.chart]
        );
    }

    get isEmpty() {
        return !this.props.chart.datasets.some((dataset) =>
            dataset.data.some((value) => value && dataset.type !== "line")
        );
    }

    renderChart() {
        const spec = this.props.chart;
        const colorScheme = cookie.get("color_scheme");
        const palette = Math.max(spec.labels.length, spec.datasets.length);
        const datasets = spec.datasets.map((dataset, index) => {
            const color = STATE_COLORS[dataset.state] || getColor(index, colorScheme, palette);
            const result = { label: dataset.label, data: dataset.data };
            if (dataset.type === "line") {
                Object.assign(result, {
                    type: "line",
                    borderColor: TARGET_COLOR,
                    backgroundColor: TARGET_COLOR,
                    borderDash: [6, 4],
                    borderWidth: 2,
                    pointRadius: 3,
                    pointStyle: "line",
                    fill: false,
                    order: 0,
                });
            } else if (spec.type === "doughnut") {
                result.backgroundColor = spec.labels.map((_label, i) => getColor(i, colorScheme, palette));
                result.pointStyle = "rect";
            } else if (spec.type === "line") {
                Object.assign(result, {
                    borderColor: color,
                    backgroundColor: color,
                    spanGaps: true,
                    tension: 0.2,
                    clip: false, // a point at 100 % stays whole
                });
            } else {
                Object.assign(result, { backgroundColor: color, pointStyle: "rect", maxBarThickness: 80, order: 1 });
            }
            return result;
        });
        const textColor = getCustomColor(colorScheme, "#111827", "#E4E4E4");
        const options = {
            responsive: true,
            maintainAspectRatio: false,
            animation: false,
            layout: { padding: { top: 8 } },
            onClick: (_event, elements) => this.onClickElement(elements),
            onHover: (event, elements) => {
                event.native.target.style.cursor = elements.length ? "pointer" : "default";
            },
            plugins: {
                legend: { position: "bottom", labels: { color: textColor, usePointStyle: true } },
                tooltip: { callbacks: { label: (item) => this.tooltipLabel(item) } },
            },
        };
        if (spec.type !== "doughnut") {
            options.scales = {
                x: { stacked: spec.stacked, ticks: { color: textColor } },
                y: {
                    stacked: spec.stacked,
                    beginAtZero: true,
                    ticks: { color: textColor, precision: 0 },
                    ...(spec.percent ? { max: 100 } : {}),
                },
            };
        }
        this.chart?.destroy();
        this.chart = new Chart(this.canvasRef.el, {
            type: spec.type,
            data: { labels: spec.labels, datasets },
            options,
        });
    }

    tooltipLabel(item) {
        const dataset = this.props.chart.datasets[item.datasetIndex];
        const value = item.raw;
        const counts = dataset.counts?.[item.dataIndex];
        if (this.props.chart.percent) {
            const text = `${dataset.label}: ${value} %`;
            if (!counts) {
                return text;
            }
            const share = _t("%(part)s of %(whole)s", { part: counts[0], whole: counts[1] });
            return `${text} (${share})`;
        }
        return `${dataset.label || item.label}: ${value}`;
    }

    onClickElement(elements) {
        if (!elements.length) {
            return;
        }
        const { datasetIndex, index } = elements[0];
        const spec = this.props.chart;
        const dataset = spec.datasets[datasetIndex];
        const domain = dataset.domains?.[index];
        if (domain) {
            const name = `${spec.title}: ${spec.labels[index]}`;
            openRecords(this.action, dataset.model || spec.model, domain, name);
        }
    }
}

export class ServiceDashboard extends Component {
    static template = "customer_service_control.Dashboard";
    static components = { Layout, ServiceDashboardChart };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ kpis: [], charts: [] });
        // Both start at once: a call started after an await would be refused with
        // "Component is destroyed" when the user leaves the dashboard while Chart.js loads.
        onWillStart(() => Promise.all([loadBundle("web.chartjs_lib"), this.load()]));
    }

    async load() {
        const data = await this.orm.call("service.dashboard", "get_dashboard_data", []);
        Object.assign(this.state, data);
    }

    openKpi(kpi) {
        return openRecords(this.action, kpi.model, kpi.domain, kpi.label);
    }
}

registry.category("actions").add("customer_service_control.dashboard", ServiceDashboard);
