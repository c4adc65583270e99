import { registry } from "@web/core/registry";

// A 1×1 PNG: the photo of the damaged bearing the customer uploads.
const PHOTO_PNG =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

function photoFile() {
    const bytes = Uint8Array.from(atob(PHOTO_PNG), (c) => c.charCodeAt(0));
    return new File([bytes], "noisy_bearing.png", { type: "image/png" });
}

registry.category("web_tour.tours").add("customer_service_control_portal_complaint", {
    url: "/my",
    steps: () => [
        {
            content: "My Account shows the customer's complaints",
            trigger: ".o_portal_index_card a[href='/my/complaints']",
            run: "click",
        },
        {
            content: "File a new complaint",
            trigger: "a.o_service_new_complaint",
            run: "click",
        },
        {
            content: "Choose the product",
            trigger: "select[name='product_id']",
            run: "selectByLabel Bearing 6205-2RS",
        },
        {
            content: "Choose the delivery",
            trigger: "select[name='picking_id']",
            run: "selectByIndex 1",
        },
        {
            content: "Choose the lot",
            trigger: "select[name='lot_id']",
            run: "selectByLabel 6205-A",
        },
        {
            content: "Describe the problem",
            trigger: "textarea[name='description']",
            run: "edit Loud noise on the 6205 bearings after 200 hours on the fan motor.",
        },
        {
            content: "Attach a photo",
            trigger: "input[name='photos']",
            run() {
                const input = document.querySelector("input[name='photos']");
                const transfer = new DataTransfer();
                transfer.items.add(photoFile());
                input.files = transfer.files;
                input.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "Send the complaint",
            trigger: "button.o_service_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The complaint is received, in state New",
            trigger: ".o_portal_service_complaint .o_service_state:contains('New')",
        },
        {
            content: "The description is shown",
            trigger: ".o_service_description:contains('Loud noise on the 6205 bearings')",
        },
        {
            content: "Write a message in the chatter",
            trigger: "#chatterRoot:shadow .o-mail-Composer-input",
            run: "edit The bearings are kept aside for your inspector.",
        },
        {
            content: "Send the message",
            trigger: "#chatterRoot:shadow .o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The message is in the chatter",
            trigger: "#chatterRoot:shadow .o-mail-Message:contains('kept aside for your inspector')",
        },
    ],
});
