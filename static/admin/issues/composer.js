/* The composer: the issue change form made for forty entries.
 *
 * - Entries and sections fold to one line and open in place; an outline jumps
 *   to any of them; errors are listed at the top, each linked to its field.
 * - Entries move up, down, to the top or to another section with buttons or
 *   Alt+arrow keys, through django-nested-admin's own machinery (the same
 *   functions its drag and drop calls), so positions and form prefixes stay
 *   what nested-admin expects.
 * - Unsaved edits: the action bar says so, leaving the page warns, Ctrl+S /
 *   Cmd+S saves, a workflow button saves them first, and they are kept in
 *   localStorage (per issue and version) to be offered back after a crash.
 * - House-format entry lines pasted into a section become entries, parsed
 *   on the server by the importer's parser.
 *
 * Settings and words come from the page (#composer-config, json).
 */
(function () {
    "use strict";

    // Folded rows are hidden only when this script runs: without it nothing could open them.
    document.documentElement.classList.add("composer-js");

    const ENTRY = ".c-entry";
    const SECTION = ".c-section";
    const ENTRY_FIELDS = ["label", "title", "source", "url", "extra_links", "metadata", "summary"];
    const STORAGE_PREFIX = "digest:composer:";
    const WORKFLOW_ACTION = /\/workflow\/([a-z_]+)\/?$/;

    let form = null;
    let config = {};
    let text = {};
    let jq = null;
    let baseline = new Map();
    let carriedDraft = {};
    let failedSave = false;
    let dirty = false;
    let submitting = false;
    let status = null;

    function format(template, values) {
        // A counted text comes as {one, other} (issues/admin/composer.py, plural_forms).
        if (template && typeof template === "object") {
            template = values.count === 1 ? template.one : template.other;
        }
        return (template || "").replace(/%\((\w+)\)s/g, (match, key) => String(values[key]));
    }

    function element(tag, attributes, children) {
        const node = document.createElement(tag);
        for (const [name, value] of Object.entries(attributes || {})) {
            if (name === "text") {
                node.textContent = value;
            } else if (value !== null && value !== undefined && value !== false) {
                node.setAttribute(name, value === true ? "" : value);
            }
        }
        for (const child of children || []) {
            node.append(child);
        }
        return node;
    }

    function isLive(node) {
        return !node.closest(".djn-empty-form");
    }

    function sections() {
        return Array.from(form.querySelectorAll(SECTION)).filter(isLive);
    }

    function entriesOf(scope) {
        return Array.from(scope.querySelectorAll(ENTRY)).filter(isLive);
    }

    function field(item, name) {
        return item.querySelector(`[name="${item.id}-${name}"]`);
    }

    function itemsOf(item) {
        // The rows that move together: this row's siblings in its nested-admin list.
        return Array.from(item.parentElement.children).filter(
            (node) => node.classList.contains("djn-item") && !node.classList.contains("djn-no-drag") && isLive(node),
        );
    }

    function sectionOf(entry) {
        return entry.parentElement.closest(SECTION);
    }

    function titleOf(item) {
        const input = field(item, "title");
        return (input ? input.value : item.querySelector(".c-title")?.textContent || "").trim() || text.untitled;
    }

    // --- Folding ---------------------------------------------------------------

    function setOpen(item, open) {
        item.classList.toggle("is-collapsed", !open);
        const toggle = item.querySelector(":scope > h3 .c-toggle");
        if (toggle) {
            toggle.setAttribute("aria-expanded", String(open));
        }
    }

    function isOpen(item) {
        return !item.classList.contains("is-collapsed");
    }

    function reveal(node) {
        // Open every fold around ``node`` (and the entry or section it is).
        for (let item = node.closest(`${ENTRY}, ${SECTION}`); item; item = item.parentElement.closest(`${ENTRY}, ${SECTION}`)) {
            setOpen(item, true);
        }
    }

    // --- The one-line summary ----------------------------------------------------

    function hostname(url) {
        try {
            return new URL(url).hostname.replace(/^www\./, "");
        } catch (error) {
            return "";
        }
    }

    function updateLine(item) {
        const toggle = item.querySelector(":scope > h3 .c-toggle");
        if (!toggle) {
            return;
        }
        if (item.matches(SECTION)) {
            toggle.querySelector(".c-title").textContent = field(item, "title")?.value || "";
            toggle.querySelector(".c-count").textContent = format(text.entries, { count: entriesOf(item).length });
            return;
        }
        const parts = {
            "c-label": field(item, "label")?.value || "",
            "c-title": field(item, "title")?.value || "",
            "c-source": field(item, "source")?.value || "",
            "c-domain": hostname(field(item, "url")?.value || ""),
        };
        toggle.replaceChildren(
            ...Object.entries(parts)
                .filter(([, value]) => value)
                .map(([name, value]) => element("span", { class: name, text: value })),
        );
        if (!parts["c-title"]) {
            toggle.append(element("span", { class: "c-title c-untitled", text: text.untitled }));
        }
    }

    // --- Moving ------------------------------------------------------------------

    function nesting() {
        // nested-admin's bundle exports its helpers as the module's default.
        return window.DJNesting.default || window.DJNesting;
    }

    function prefixOf(item) {
        return item.id.replace(/-\d+$/, "");
    }

    function afterMove(item, groups) {
        for (const group of groups) {
            nesting().updatePositions(group.id.replace(/-group$/, ""));
            jq(document).trigger("djnesting:mutate", [jq(group)]);
        }
        item.querySelector(":scope > h3 .c-toggle")?.focus();
        item.classList.add("is-moved");
        setTimeout(() => item.classList.remove("is-moved"), 1200);
        changed();
    }

    function moveWithin(item, where) {
        const items = itemsOf(item);
        const index = items.indexOf(item);
        if (where === "top" && index > 0) {
            items[0].before(item);
        } else if (where === "up" && index > 0) {
            items[index - 1].before(item);
        } else if (where === "down" && index < items.length - 1) {
            items[index + 1].after(item);
        } else {
            return;
        }
        afterMove(item, [document.getElementById(`${prefixOf(item)}-group`)]);
        announce(`${titleOf(item)}: ${index + 1} → ${itemsOf(item).indexOf(item) + 1}`);
    }

    function moveToSection(entry, section) {
        const from = entry.closest(".djn-group");
        const to = section.querySelector(".c-entries");
        if (!to || from === to) {
            return;
        }
        const list = to.querySelector(":scope > .djn-items");
        list.insertBefore(entry, list.querySelector(":scope > .djn-empty-form"));
        // What nested-admin's drag and drop does when a row lands in another list.
        jq(to).djangoFormset().spliceInto(jq(entry));
        afterMove(entry, [from, to]);
        reveal(entry.parentElement);
        setOpen(entry, false);
        updateLine(sectionOf(entry));
        const old = from.closest(SECTION);
        if (old) {
            updateLine(old);
        }
        refreshMoveMenus();
        announce(`${titleOf(entry)} → ${titleOf(section)}`);
    }

    function moveMenu(entry) {
        const menu = element("select", { class: "c-move-to", "aria-label": text.moveTo, title: text.moveTo });
        menu.append(element("option", { value: "", text: text.moveTo }));
        const own = sectionOf(entry);
        sections().forEach((section) => {
            if (section !== own) {
                menu.append(element("option", { value: section.id, text: titleOf(section) }));
            }
        });
        return menu;
    }

    function refreshMoveMenus() {
        for (const entry of entriesOf(form)) {
            const old = entry.querySelector(":scope > h3 .c-move-to");
            if (old) {
                old.replaceWith(moveMenu(entry));
            }
        }
    }

    function addTools(item) {
        const line = item.querySelector(":scope > h3");
        if (!line || line.querySelector(".c-tools") || !form.querySelector(".djn-add-handler")) {
            return;
        }
        const tools = element("span", { class: "c-tools" });
        const buttons = [
            ["top", "⤒", text.moveTop],
            ["up", "↑", text.moveUp],
            ["down", "↓", text.moveDown],
        ];
        for (const [where, symbol, label] of buttons) {
            if (where === "top" && item.matches(SECTION)) {
                continue;
            }
            tools.append(element("button", { type: "button", class: "c-move", "data-move": where, "aria-label": label, title: label, text: symbol }));
        }
        if (item.matches(ENTRY)) {
            tools.append(moveMenu(item));
        }
        const toggle = line.querySelector(".c-toggle");
        toggle.after(tools);
    }

    function addFoldAll() {
        const head = form.querySelector(".c-sections-head");
        if (!head || head.querySelector(".c-fold-all")) {
            return;
        }
        const buttons = element("span", { class: "c-fold-all" });
        for (const [open, label] of [
            [true, text.openAll],
            [false, text.closeAll],
        ]) {
            const button = element("button", { type: "button", class: "button", text: label });
            button.addEventListener("click", () => entriesOf(form).forEach((entry) => setOpen(entry, open)));
            buttons.append(button);
        }
        head.append(buttons);
    }

    // --- Outline -------------------------------------------------------------------

    function buildOutline() {
        const nav = document.getElementById("composer-outline");
        if (!nav) {
            return;
        }
        if (!nav.querySelector(".c-outline-toggle")) {
            const heading = nav.querySelector("h2");
            const toggle = element("button", { type: "button", class: "c-outline-toggle", "aria-expanded": "false", "aria-controls": "composer-outline-list", text: heading.textContent });
            toggle.addEventListener("click", () => {
                const open = !nav.classList.contains("is-open");
                nav.classList.toggle("is-open", open);
                toggle.setAttribute("aria-expanded", String(open));
            });
            heading.replaceChildren(toggle);
            nav.querySelector("ol").id = "composer-outline-list";
        }
        const list = nav.querySelector(":scope > ol");
        list.replaceChildren(
            ...sections().map((section) => {
                const entries = entriesOf(section);
                const item = element("li", {}, [
                    element("a", { href: `#${section.id}`, class: "c-outline-section", text: `${titleOf(section)} (${entries.length})` }),
                ]);
                if (entries.length) {
                    item.append(
                        element(
                            "ol",
                            {},
                            entries.map((entry) => {
                                const classes = ["c-outline-entry"];
                                if (entry.classList.contains("has-errors")) {
                                    classes.push("has-errors");
                                }
                                if (entry.classList.contains("is-edited")) {
                                    classes.push("is-edited");
                                }
                                return element("li", {}, [element("a", { href: `#${entry.id}`, class: classes.join(" "), text: titleOf(entry) })]);
                            }),
                        ),
                    );
                }
                return item;
            }),
        );
        nav.hidden = false;
    }

    function jumpTo(item) {
        reveal(item);
        if (item.matches(ENTRY)) {
            setOpen(item, true);
        }
        item.scrollIntoView({ block: "start" });
        item.querySelector(":scope > h3 .c-toggle")?.focus({ preventScroll: true });
    }

    // --- Errors ---------------------------------------------------------------------

    function describe(control) {
        const parts = [];
        const entry = control.closest(ENTRY);
        const section = control.closest(SECTION);
        if (section) {
            parts.push(titleOf(section));
        }
        if (entry) {
            parts.push(titleOf(entry));
        }
        if (control.name) {
            const label = control.closest("label")?.querySelector("span")?.textContent || (control.id && form.querySelector(`label[for="${control.id}"]`)?.textContent) || control.name;
            parts.push(label.replace(/[:：]\s*$/, ""));
        }
        return parts.join(" › ");
    }

    function listErrors() {
        const lists = Array.from(form.querySelectorAll("ul.errorlist")).filter(isLive);
        if (!lists.length) {
            return;
        }
        const links = [];
        for (const list of lists) {
            const container = list.closest(".c-field, .form-row, .fieldBox") || list.parentElement;
            let target = container.querySelector("input:not([type=hidden]), textarea, select");
            const item = list.closest(`${ENTRY}, ${SECTION}`);
            if (list.classList.contains("nonfield") || !target) {
                // An error about a whole entry or section, or the whole issue (a stale copy).
                target = item ? item.querySelector(":scope > h3 .c-toggle") : form.querySelector(".errornote");
            }
            for (const message of list.querySelectorAll("li")) {
                const where = target ? describe(target) : "";
                const link = element("a", { href: "#", text: where ? `${where}：${message.textContent}` : message.textContent });
                link.addEventListener("click", (event) => {
                    event.preventDefault();
                    if (!target) {
                        return;
                    }
                    reveal(target);
                    target.scrollIntoView({ block: "center" });
                    if (!target.matches("input, textarea, select, button")) {
                        target.tabIndex = -1;
                    }
                    target.focus({ preventScroll: true });
                });
                links.push(element("li", {}, [link]));
            }
            if (item) {
                reveal(item);
                setOpen(item, true);
            }
        }
        const box = element("div", { class: "c-errors", id: "composer-errors", role: "alert", tabindex: "-1" }, [
            element("p", { text: format(text.errors, { count: links.length }) }),
            element("ol", {}, links),
        ]);
        const note = form.querySelector(".errornote");
        if (note) {
            note.after(box);
        } else {
            form.prepend(box);
        }
    }

    // --- Unsaved edits ------------------------------------------------------------------

    const IGNORED = /^(csrfmiddlewaretoken|_then_action|_continue|_save|comment|reason|publish_at)$|-(MIN|MAX)_NUM_FORMS$/;

    function snapshot() {
        const values = new Map();
        for (const [name, value] of new FormData(form)) {
            if (IGNORED.test(name) || typeof value !== "string") {
                continue;
            }
            values.set(name, values.has(name) ? `${values.get(name)}\u0000${value}` : value);
        }
        return values;
    }

    function differences() {
        const now = snapshot();
        const changes = { ...carriedDraft };
        for (const [name, value] of now) {
            if (baseline.get(name) !== value) {
                changes[name] = value;
            }
        }
        for (const name of baseline.keys()) {
            if (!now.has(name) && !(name in changes)) {
                changes[name] = null; // a box that is gone (unticked, removed, moved away)
            }
        }
        return changes;
    }

    function storageKey(version) {
        return `${STORAGE_PREFIX}${config.issue}:${version}`;
    }

    function store(changes) {
        if (!config.issue) {
            return;
        }
        try {
            if (Object.keys(changes).length) {
                localStorage.setItem(
                    storageKey(config.version),
                    JSON.stringify({ version: config.version, savedAt: Date.now(), submitting, changes }),
                );
            } else {
                localStorage.removeItem(storageKey(config.version));
            }
        } catch (error) {
            // Storage full or disabled: the page still warns before leaving.
        }
    }

    function markEditedEntries(changes) {
        const edited = new Set();
        for (const name of Object.keys(changes)) {
            const match = /^(sections-\d+-entries-\d+)-/.exec(name);
            if (match) {
                edited.add(match[1]);
            }
        }
        for (const entry of entriesOf(form)) {
            entry.classList.toggle("is-edited", edited.has(entry.id));
        }
    }

    let changeTimer = null;

    function refresh() {
        const changes = differences();
        // A refused save shows its values again: they are still not saved.
        dirty = failedSave || Object.keys(changes).length > 0;
        markEditedEntries(changes);
        store(changes);
        if (status) {
            status.textContent = dirty ? text.unsaved : "";
        }
        document.body.classList.toggle("composer-dirty", dirty);
        buildOutline();
    }

    function changed() {
        clearTimeout(changeTimer);
        changeTimer = setTimeout(refresh, 250);
    }

    function saveButton() {
        return form.querySelector("input[name=_continue]") || form.querySelector("input[name=_save]");
    }

    function save() {
        const button = saveButton();
        if (button) {
            form.requestSubmit(button);
        }
    }

    function hiddenInput(name, value) {
        form.querySelectorAll(`input[type=hidden][data-composer="${name}"]`).forEach((node) => node.remove());
        form.append(element("input", { type: "hidden", name, value, "data-composer": name }));
    }

    function saveThenAct(workflowForm) {
        // The workflow action runs after the save succeeds (IssueAdmin.response_change);
        // a save refused by validation shows its errors and runs nothing.
        const action = WORKFLOW_ACTION.exec(actionUrl(workflowForm).pathname)[1];
        for (const [name, value] of new FormData(workflowForm)) {
            if (name !== "csrfmiddlewaretoken" && name !== "action" && typeof value === "string") {
                hiddenInput(name, value);
            }
        }
        hiddenInput("_then_action", action);
        hiddenInput("_continue", "1");
        form.requestSubmit();
    }

    // --- Drafts kept in the browser -------------------------------------------------------

    function drafts() {
        const found = [];
        try {
            for (let index = 0; index < localStorage.length; index++) {
                const key = localStorage.key(index);
                if (key && key.startsWith(`${STORAGE_PREFIX}${config.issue}:`)) {
                    found.push([key, JSON.parse(localStorage.getItem(key))]);
                }
            }
        } catch (error) {
            return [];
        }
        return found;
    }

    function controls(name) {
        return Array.from(form.elements).filter((control) => control.name === name);
    }

    function currentValue(name) {
        return baseline.has(name) ? baseline.get(name) : null;
    }

    function ensureForm(name) {
        // An entry added before the crash: add rows to its section until the box exists.
        const match = /^(sections-\d+-entries)-(\d+)-/.exec(name);
        if (!match || controls(name).length) {
            return;
        }
        const group = document.getElementById(`${match[1]}-group`);
        const add = group && group.querySelector(":scope > .djn-add-item .djn-add-handler");
        for (let guard = 0; add && guard < 100 && !controls(name).length; guard++) {
            const before = entriesOf(group).length;
            jq(add).trigger("click");
            if (entriesOf(group).length === before) {
                break;
            }
        }
    }

    function apply(changes) {
        for (const [name, value] of Object.entries(changes)) {
            if (/-(TOTAL|INITIAL)_FORMS$/.test(name)) {
                continue;
            }
            ensureForm(name);
            for (const control of controls(name)) {
                if (control.type === "checkbox") {
                    control.checked = value !== null;
                } else if (value !== null) {
                    control.value = value;
                }
                const item = control.closest(ENTRY);
                if (item) {
                    updateLine(item);
                }
            }
        }
    }

    function short(value) {
        if (value === null) {
            return "—";
        }
        const flat = value.replace(/\s+/g, " ").trim();
        return flat.length > 80 ? `${flat.slice(0, 80)}…` : flat || text.empty;
    }

    function offerDraft() {
        if (!config.issue) {
            return;
        }
        for (const [key, draft] of drafts()) {
            if (!draft || typeof draft.changes !== "object") {
                localStorage.removeItem(key);
                continue;
            }
            if (draft.version === config.version && failedSave) {
                // The page shows the refused save's values: keep the draft going.
                carriedDraft = draft.changes;
                continue;
            }
            if (draft.submitting && draft.version < config.version) {
                localStorage.removeItem(key); // it was saved: the version moved on
                continue;
            }
            const differing = Object.entries(draft.changes).filter(
                ([name, value]) => !/-(TOTAL|INITIAL)_FORMS$/.test(name) && currentValue(name) !== value,
            );
            if (!differing.length) {
                localStorage.removeItem(key);
                continue;
            }
            showDraft(key, draft, differing);
            return; // one offer at a time; the newest is the one that matters
        }
    }

    function showDraft(key, draft, differing) {
        const notices = document.getElementById("composer-notices");
        const when = new Date(draft.savedAt).toLocaleString();
        const rows = differing.map(([name, value]) => {
            const control = controls(name)[0];
            const where = control ? describe(control) : name;
            return element("li", {}, [
                element("span", { class: "c-where", text: where }),
                element("del", { text: short(currentValue(name)) }),
                " → ",
                element("ins", { text: short(value) }),
            ]);
        });
        const restore = element("button", { type: "button", class: "button default", text: text.draftRestore });
        const discard = element("button", { type: "button", class: "button", text: text.draftDiscard });
        const box = element("div", { class: "c-draft", id: "composer-draft", role: "region", "aria-label": text.draftRestore }, [
            element("p", { text: format(text.draftFound, { time: when }) }),
        ]);
        if (draft.version !== config.version) {
            box.append(element("p", { class: "c-draft-older", text: format(text.draftOlder, { draft: draft.version, current: config.version }) }));
        }
        box.append(element("ul", { class: "c-draft-diff" }, rows), element("p", {}, [restore, " ", discard]));
        restore.addEventListener("click", () => {
            apply(Object.fromEntries(differing));
            localStorage.removeItem(key);
            box.replaceChildren(element("p", { text: text.draftRestored }));
            refresh();
            buildOutline();
        });
        discard.addEventListener("click", () => {
            localStorage.removeItem(key);
            box.remove();
        });
        (notices || form).prepend(box);
    }

    // --- Paste to add ----------------------------------------------------------------

    function csrfToken() {
        return form.querySelector("input[name=csrfmiddlewaretoken]").value;
    }

    function addEntries(group, entries) {
        const add = group.querySelector(":scope > .djn-add-item .djn-add-handler");
        const added = [];
        for (const data of entries) {
            jq(add).trigger("click");
            const rows = entriesOf(group);
            const entry = rows[rows.length - 1];
            for (const name of ENTRY_FIELDS) {
                const input = field(entry, name);
                if (input) {
                    input.value = data[name] || "";
                }
            }
            updateLine(entry);
            setOpen(entry, false);
            added.push(entry);
        }
        const section = group.closest(SECTION);
        if (section) {
            updateLine(section);
        }
        changed();
        return added;
    }

    function pastePanel(group) {
        const source = element("textarea", { rows: "5", class: "c-paste-text", "aria-label": text.paste });
        const preview = element("button", { type: "button", class: "button c-paste-preview", text: text.pastePreview });
        const confirm = element("button", { type: "button", class: "button default c-paste-add", disabled: true, text: format(text.pasteAdd, { count: 0 }) });
        const cancel = element("button", { type: "button", class: "button c-paste-cancel", text: text.pasteCancel });
        const result = element("div", { class: "c-paste-result", "aria-live": "polite" });
        const panel = element("div", { class: "c-paste", role: "group", "aria-label": text.paste }, [
            element("p", { class: "c-paste-help", text: text.pasteHelp }),
            source,
            element("p", { class: "c-paste-buttons" }, [preview, " ", confirm, " ", cancel]),
            result,
        ]);
        let parsed = [];

        function show(entries, error) {
            parsed = error ? [] : entries;
            confirm.disabled = !parsed.length;
            confirm.textContent = format(text.pasteAdd, { count: parsed.length });
            if (error) {
                result.replaceChildren(element("p", { class: "errornote", text: format(text.pasteFailed, { error }) }));
                return;
            }
            if (!entries.length) {
                result.replaceChildren(element("p", { text: text.pasteNone }));
                return;
            }
            result.replaceChildren(
                element(
                    "ol",
                    { class: "c-paste-list" },
                    entries.map((entry) => {
                        const line = [entry.label && `[${entry.label}]`, entry.title, entry.source && `| ${entry.source}`, hostname(entry.url) && `— ${hostname(entry.url)}`]
                            .filter(Boolean)
                            .join(" ");
                        const details = [];
                        if (entry.metadata) {
                            details.push(element("div", { class: "c-paste-meta", text: entry.metadata }));
                        }
                        if (entry.summary) {
                            details.push(element("div", { class: "c-paste-summary", text: short(entry.summary) }));
                        }
                        if (entry.verbatim_body) {
                            details.push(element("div", { class: "c-paste-warning", text: text.pasteVerbatim }));
                        }
                        for (const problem of entry.problems || []) {
                            details.push(element("div", { class: "c-paste-problem", text: problem }));
                        }
                        return element("li", {}, [element("strong", { text: line }), ...details]);
                    }),
                ),
            );
        }

        function ask() {
            preview.disabled = true;
            fetch(config.parseUrl, {
                method: "POST",
                credentials: "same-origin",
                headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
                body: JSON.stringify({ text: source.value }),
            })
                .then((response) => response.json())
                .then((data) => show(data.entries || [], data.error || ""))
                .catch((error) => show([], String(error)))
                .finally(() => {
                    preview.disabled = false;
                });
        }

        preview.addEventListener("click", ask);
        source.addEventListener("paste", () => setTimeout(ask, 0));
        confirm.addEventListener("click", () => {
            const added = addEntries(group, parsed);
            panel.remove();
            if (added.length) {
                added[0].querySelector(":scope > h3 .c-toggle")?.focus();
            }
        });
        cancel.addEventListener("click", () => {
            panel.remove();
            group.querySelector(":scope > .djn-add-item .c-paste-open")?.focus();
        });
        return panel;
    }

    function addPasteButton(group) {
        const adder = group.querySelector(":scope > .djn-add-item");
        if (!adder || adder.querySelector(".c-paste-open") || !group.id.includes("-entries-")) {
            return;
        }
        if (group.closest(".djn-empty-form")) {
            return;
        }
        const button = element("button", { type: "button", class: "c-paste-open", text: text.paste });
        button.addEventListener("click", () => {
            let panel = group.querySelector(":scope > .c-paste");
            if (!panel) {
                panel = pastePanel(group);
                adder.after(panel);
            }
            panel.querySelector("textarea").focus();
        });
        adder.append(button);
    }

    // --- Action bar ------------------------------------------------------------------

    function actionUrl(node) {
        // Not node.action: the workflow forms have a button named "action".
        return new URL(node.getAttribute("action") || "", location.href);
    }

    function workflowForms() {
        return Array.from(document.querySelectorAll("#workflow-panel form")).filter((node) => WORKFLOW_ACTION.test(actionUrl(node).pathname));
    }

    function buildBar() {
        const bar = document.getElementById("composer-bar");
        if (!bar) {
            return;
        }
        status = bar.querySelector(".c-bar-status");
        const slot = bar.querySelector(".c-bar-actions");
        for (const workflowForm of workflowForms()) {
            const original = workflowForm.querySelector("button[type=submit], button:not([type])");
            if (!original) {
                continue;
            }
            const button = element("button", { type: "button", class: original.className.replace(/\bdefault\b/, "").trim() || "button", text: original.textContent.trim() });
            button.addEventListener("click", () => {
                const input = workflowForm.querySelector("textarea, input:not([type=hidden])");
                if (input) {
                    // This action needs a comment, a reason or a time: fill it in the panel.
                    input.scrollIntoView({ block: "center" });
                    input.focus();
                    return;
                }
                workflowForm.requestSubmit(original);
            });
            slot.append(button);
        }
    }

    let announcer = null;

    function announce(message) {
        if (!announcer) {
            announcer = element("div", { class: "c-announce", "aria-live": "polite" });
            document.body.append(announcer);
        }
        announcer.textContent = message;
    }

    // --- Wiring ------------------------------------------------------------------------

    function onClick(event) {
        const toggle = event.target.closest(".c-toggle");
        if (toggle && form.contains(toggle)) {
            const item = toggle.closest(`${ENTRY}, ${SECTION}`);
            setOpen(item, !isOpen(item));
            return;
        }
        const move = event.target.closest(".c-move");
        if (move) {
            moveWithin(move.closest(`${ENTRY}, ${SECTION}`), move.dataset.move);
            return;
        }
        const jump = event.target.closest("#composer-outline a");
        if (jump) {
            event.preventDefault();
            const target = document.getElementById(jump.getAttribute("href").slice(1));
            if (target) {
                jumpTo(target);
            }
        }
    }

    function onChange(event) {
        const menu = event.target.closest(".c-move-to");
        if (menu && menu.value) {
            const section = document.getElementById(menu.value);
            const entry = menu.closest(ENTRY);
            moveToSection(entry, section);
            return;
        }
        onInput(event);
    }

    function onInput(event) {
        const target = event.target;
        if (!target.name || target.closest(".c-paste") || !form.contains(target)) {
            return;
        }
        dirty = true; // at once: the exact differences follow a moment later
        const item = target.closest(`${ENTRY}, ${SECTION}`);
        if (item && /-(label|title|source|url)$/.test(target.name)) {
            updateLine(item);
            if (item.matches(SECTION)) {
                refreshMoveMenus();
            }
        }
        changed();
    }

    function visibleToggles() {
        return Array.from(form.querySelectorAll(".c-toggle")).filter((node) => isLive(node) && node.offsetParent !== null);
    }

    function onKeyDown(event) {
        if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "s") {
            event.preventDefault();
            save();
            return;
        }
        const toggle = event.target.closest && event.target.closest(".c-toggle");
        if (!toggle || !form.contains(toggle)) {
            return;
        }
        const item = toggle.closest(`${ENTRY}, ${SECTION}`);
        if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown" || event.key === "Home")) {
            event.preventDefault();
            moveWithin(item, { ArrowUp: "up", ArrowDown: "down", Home: "top" }[event.key]);
        } else if (!event.altKey && !event.ctrlKey && !event.metaKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
            event.preventDefault();
            const toggles = visibleToggles();
            const next = toggles[toggles.indexOf(toggle) + (event.key === "ArrowDown" ? 1 : -1)];
            next?.focus();
        }
    }

    function onSubmit(event) {
        const target = event.target;
        if (target === form) {
            submitting = true;
            store(differences());
            return;
        }
        if (workflowForms().includes(target) && dirty && saveButton()) {
            event.preventDefault();
            saveThenAct(target);
        }
    }

    function onBeforeUnload(event) {
        if (dirty && !submitting) {
            event.preventDefault();
            event.returnValue = text.leave;
            return text.leave;
        }
        return undefined;
    }

    function init() {
        form = document.getElementById("issue_form");
        const node = document.getElementById("composer-config");
        if (!form || !node || !window.django || !window.DJNesting) {
            return;
        }
        config = JSON.parse(node.textContent);
        failedSave = Boolean(form.querySelector(".errornote"));
        text = config.text || {};
        jq = window.django.jQuery;
        document.body.classList.add("composer");

        for (const item of [...sections(), ...entriesOf(form)]) {
            addTools(item);
        }
        sections().forEach(updateLine);
        addFoldAll();
        form.querySelectorAll(".c-entries").forEach(addPasteButton);
        buildBar();
        listErrors();
        buildOutline();
        const outline = document.getElementById("composer-outline");

        form.addEventListener("click", onClick);
        outline?.addEventListener("click", onClick);
        form.addEventListener("input", onInput);
        form.addEventListener("change", onChange);
        document.addEventListener("keydown", onKeyDown);
        document.addEventListener("submit", onSubmit, true);
        window.addEventListener("beforeunload", onBeforeUnload);
        // Rows nested-admin adds (the add links, paste) get the same tools; its
        // drag and drop and deletions change the order and the outline.
        jq(document).on("djnesting:added", (event, inline, row) => {
            const item = row && row[0];
            if (item) {
                addTools(item);
                item.querySelectorAll(`${ENTRY}`).forEach(addTools);
                item.querySelectorAll(".c-entries").forEach(addPasteButton);
                if (item.matches(SECTION)) {
                    refreshMoveMenus();
                }
            }
            changed();
        });
        jq(document).on("djnesting:mutate formset:deleted formset:undeleted formset:removed", () => {
            sections().forEach(updateLine);
            changed();
        });
        // Shrink what is dragged to its line, so the lists stay short to drop into.
        form.addEventListener("mousedown", (event) => {
            const grip = event.target.closest(".djn-drag-handler");
            if (grip && !event.target.closest("button, select, input, label, a")) {
                const item = grip.closest(`${ENTRY}, ${SECTION}`);
                if (item) {
                    item.classList.add("is-dragging");
                    document.addEventListener("mouseup", () => item.classList.remove("is-dragging"), { once: true });
                }
            }
        });

        // nested-admin sets up its formsets (and may renumber positions) when jQuery is
        // ready; read the page as saved only after that, or it would look edited.
        jq(() =>
            setTimeout(() => {
                baseline = snapshot();
                offerDraft();
                refresh();
            }, 0),
        );
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", init);
    } else {
        init();
    }
})();
