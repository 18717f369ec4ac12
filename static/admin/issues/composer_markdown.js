/* Live Markdown preview for the issue page, one field at a time.
 *
 * markdownx's own script renders a preview of every Markdown field as soon as
 * the page loads; on a forty-entry issue that is almost a hundred requests
 * for previews nobody looks at. Here a field is previewed when it is focused
 * or typed in (after a pause), through markdownx's own endpoint, and image
 * files pasted or dropped into it are uploaded through markdownx's upload
 * endpoint as before. The addresses come from the page's composer settings.
 */
(function () {
    "use strict";

    const LATENCY_MS = 300;
    let settings = null;

    function config() {
        if (settings === null) {
            const node = document.getElementById("composer-config");
            settings = node ? JSON.parse(node.textContent) : {};
        }
        return settings;
    }

    function csrfToken() {
        const field = document.querySelector("input[name=csrfmiddlewaretoken]");
        return field ? field.value : "";
    }

    function post(url, body) {
        return fetch(url, {
            method: "POST",
            body: body,
            credentials: "same-origin",
            headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "XMLHttpRequest" },
        });
    }

    // The preview box is made on first use: forty entries need no empty boxes.
    function previewOf(editor) {
        let preview = editor.nextElementSibling;
        if (!preview || !preview.classList.contains("markdownx-preview")) {
            preview = document.createElement("div");
            preview.className = "markdownx-preview";
            preview.hidden = true;
            editor.after(preview);
        }
        return preview;
    }

    function grow(editor) {
        if (editor.scrollHeight > editor.clientHeight) {
            editor.style.height = editor.scrollHeight + 2 + "px";
        }
    }

    function render(editor) {
        const preview = previewOf(editor);
        const url = config().previewUrl;
        if (!url) {
            return;
        }
        const body = new FormData();
        body.append("content", editor.value);
        const asked = editor.value;
        post(url, body)
            .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
            .then((html) => {
                if (editor.value !== asked) {
                    return; // a newer request is on its way
                }
                // The server sanitises this HTML (issues.rendering.render_markdown).
                preview.innerHTML = html;
                preview.hidden = !editor.value.trim();
            })
            .catch(() => {});
    }

    const timers = new WeakMap();

    function schedule(editor) {
        clearTimeout(timers.get(editor));
        timers.set(editor, setTimeout(() => render(editor), LATENCY_MS));
    }

    function insertAtCursor(editor, text) {
        editor.setRangeText(text, editor.selectionStart, editor.selectionEnd, "end");
        editor.dispatchEvent(new Event("input", { bubbles: true }));
    }

    function upload(editor, file) {
        const url = config().uploadUrl;
        if (!url) {
            return;
        }
        const body = new FormData();
        body.append("image", file);
        editor.classList.add("c-uploading");
        post(url, body)
            .then((response) => response.json())
            .then((data) => {
                if (data.image_code) {
                    insertAtCursor(editor, data.image_code);
                } else {
                    window.alert(Object.values(data).flat().join(" ") || "upload failed");
                }
            })
            .catch(() => window.alert("upload failed"))
            .finally(() => editor.classList.remove("c-uploading"));
    }

    function isEditor(target) {
        return target instanceof HTMLTextAreaElement && target.classList.contains("c-md");
    }

    document.addEventListener("focusin", (event) => {
        if (isEditor(event.target)) {
            schedule(event.target);
        }
    });
    document.addEventListener("input", (event) => {
        if (isEditor(event.target)) {
            grow(event.target);
            schedule(event.target);
        }
    });
    for (const type of ["paste", "drop"]) {
        document.addEventListener(type, (event) => {
            if (!isEditor(event.target)) {
                return;
            }
            const transfer = event.clipboardData || event.dataTransfer;
            const images = transfer && transfer.files ? Array.from(transfer.files) : [];
            if (images.length) {
                event.preventDefault();
                images.forEach((file) => upload(event.target, file));
            }
        });
    }
})();
