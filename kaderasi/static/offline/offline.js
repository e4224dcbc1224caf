/* kaderasi offline app: the outbox, sync and the sync status shown on every page.
 *
 * The outbox contract (shared with the care screens): a `form[data-outbox="<type>"]` whose field
 * names are the fields of a push record of that type (see RECORD_FIELDS, and POST /api/v1/sync/push
 * in /api/v1/docs), plus `id` (a UUID made here) and `mother_id`, is intercepted on submit: the
 * record goes into the IndexedDB outbox and leaves it only when the server answers `created` or
 * `duplicate`. A refused record stays, with the server's errors, until the user corrects or
 * deletes it; nothing expires. `data-outbox-next` is where to go once the record is safe (sent,
 * or queued on the phone); without it the form is emptied for the next record. Once the record is in the
 * outbox the form receives an `outbox:stored` event (the guided session forgets its timer then).
 * Sync runs at start, when the connection returns, on a timer and on demand.
 * Needs: the idb library (vendor/idb/umd.js) loaded before this file.
 */
(function () {
  "use strict";

  const configElement = document.getElementById("kaderasi-offline");
  // The texts come from the shared script offline/strings.js (kaderasi/offline/app_strings.py).
  const S = window.kaderasiOfflineStrings;
  if (!configElement || !S || !("indexedDB" in window) || !window.idb) return;
  const CONFIG = JSON.parse(configElement.textContent);
  // On the outbox page only: the fields' labels by record type and its texts (offline/outbox_page.py).
  const outboxElement = document.getElementById("kaderasi-outbox");
  const OUTBOX = outboxElement ? JSON.parse(outboxElement.textContent) : { labels: {}, strings: {} };
  const LABELS = OUTBOX.labels;
  const T = OUTBOX.strings;
  const SYNC_EVERY_MS = 5 * 60 * 1000;
  const BATCH = 500;

  // The push record of each type: field → kind; "!" marks a required field.
  const MEASURED = { measured_at: "datetime!" };
  const RECORD_FIELDS = {
    milk_volume: {
      ...MEASURED,
      volume_ml: "number!",
      method: "text!",
      basis: "text!",
      side: "text",
      phase: "text",
      expression_minutes: "integer",
      minutes_since_feed: "integer",
    },
    feeds: { ...MEASURED, value: "integer!" },
    wet_nappies: { ...MEASURED, value: "integer!" },
    stools: { ...MEASURED, value: "integer!" },
    infant_weight: { ...MEASURED, value: "number!" },
    massage_session: {
      started_at: "datetime!",
      ended_at: "datetime!",
      performed_by: "text!",
      steps_done: "integers!",
      comfort: "integer",
      complaints: "text",
      adverse_event: "text",
      notes: "text",
      scheduled_session_id: "text",
    },
    danger_signs: {
      observed_at: "datetime!",
      context: "text",
      signs: "texts",
      notes: "text",
    },
    latch_score: {
      latch: "integer!",
      audible_swallowing: "integer!",
      nipple_type: "integer!",
      comfort: "integer!",
      hold: "integer!",
      notes: "text",
      observed_at: "datetime!",
    },
    session_skip: {
      scheduled_session_id: "text!",
      reason: "text!",
      note: "text",
      skipped_at: "datetime!",
    },
    milk_onset: { came_in: "yesno!", at: "datetime!" },
  };

  // --- storage -------------------------------------------------------------------------------

  const dbPromise = idb.openDB("kaderasi", 1, {
    upgrade(db) {
      const outbox = db.createObjectStore("outbox", { keyPath: "id" });
      outbox.createIndex("owner", "owner");
      db.createObjectStore("mothers", { keyPath: "id" });
      db.createObjectStore("schedule", { keyPath: "id" });
      db.createObjectStore("flags", { keyPath: "id" });
      db.createObjectStore("meta");
    },
  });

  async function meta(key, value) {
    const db = await dbPromise;
    if (value === undefined) return db.get("meta", key);
    return value === null ? db.delete("meta", key) : db.put("meta", value, key);
  }

  async function currentUser() {
    return CONFIG.user || (await meta("user"));
  }

  async function myRecords() {
    const user = await currentUser();
    if (!user) return [];
    const db = await dbPromise;
    const records = await db.getAllFromIndex("outbox", "owner", user);
    return records.sort((a, b) => a.saved_at.localeCompare(b.saved_at));
  }

  async function forgetPulledData() {
    const db = await dbPromise;
    const tx = db.transaction(["mothers", "schedule", "flags", "meta"], "readwrite");
    await Promise.all([
      tx.objectStore("mothers").clear(),
      tx.objectStore("schedule").clear(),
      tx.objectStore("flags").clear(),
      tx.objectStore("meta").delete("cursor"),
      tx.objectStore("meta").delete("last_sync"),
      tx.objectStore("meta").delete(STALE),
      tx.done,
    ]);
  }

  async function clearPersonalCaches() {
    if (!("caches" in window)) return;
    const names = await caches.keys();
    await Promise.all(
      names
        .filter((name) => name.startsWith("kaderasi-pages-") || name === "kaderasi-media-v1")
        .map((name) => caches.delete(name)),
    );
  }

  // --- records from forms --------------------------------------------------------------------

  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  // --- numbers typed by people ---------------------------------------------------------------
  // The rules of kaderasi/core/decimals.py::decimal_parse, one for one (offline/tests/test_numbers.py
  // runs one table of cases through both): "12,5" and "12.5" are 12.5; "1.200" or "1,200" (a
  // decimal or a thousand?) and thousands separators are refused, never guessed.

  const DIGITS = /^[0-9]+$/;
  const GROUPED = /^[0-9]{1,3}(?:([.,])[0-9]{3})(?:\1[0-9]{3})*(?:[.,][0-9]+)?$/;
  const SPACE_GROUPED = /^[0-9]+(?:[ \u00a0\u202f]+[0-9]+)+(?:[.,][0-9]+)?$/;
  const AMBIGUOUS = /^[1-9][0-9]{0,2}[.,][0-9]{3}$/;

  /** {value: "12.5"} (the number, written with a point) or {problem: "<NumberProblem code>"}. */
  function decimalParse(text) {
    const stripped = String(text).trim();
    if (!stripped) return { problem: "number_empty" };
    const [, sign, body] = /^([+\-\u2212]?)([\s\S]*)$/.exec(stripped);
    if (SPACE_GROUPED.test(body)) return { problem: "number_thousands_separator" };
    const separators = (body.match(/[.,]/g) || []).length;
    if (separators > 1) {
      return { problem: GROUPED.test(body) ? "number_thousands_separator" : "number_invalid" };
    }
    let [whole, fraction] = separators ? body.split(/[.,]/) : [body, ""];
    if (separators) {
      if (!DIGITS.test(fraction) || (whole && !DIGITS.test(whole))) return { problem: "number_invalid" };
      if (AMBIGUOUS.test(body)) return { problem: "number_ambiguous_separator" };
    } else if (!DIGITS.test(whole)) {
      return { problem: "number_invalid" };
    }
    whole = whole.replace(/^0+(?=[0-9])/, "") || "0";
    const zero = /^0+$/.test(whole + fraction);
    const negative = (sign === "-" || sign === "\u2212") && !zero;
    return { value: `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}` };
  }

  function format(template, params) {
    return template.replace(/%\((\w+)\)s/g, (match, key) => (key in params ? String(params[key]) : match));
  }

  /** The label a person reads for a field of the form (not its name, `volume_ml`). */
  function fieldLabel(form, name) {
    const input = form.querySelector(`[name="${CSS.escape(name)}"]`);
    let label = null;
    if (input && (input.type === "radio" || input.type === "checkbox")) {
      const fieldset = input.closest("fieldset");
      label = fieldset && fieldset.querySelector("legend");
    }
    if (!label && input) {
      const target = form.querySelector(`[data-offset-for="${CSS.escape(name)}"]`) || input;
      label = target.id ? form.querySelector(`label[for="${CSS.escape(target.id)}"]`) : null;
    }
    if (!label) return (LABELS[form.dataset.outbox] || {})[name] || name;
    const copy = label.cloneNode(true);
    copy.querySelectorAll(".req, input, select, textarea").forEach((element) => element.remove());
    return copy.textContent.trim();
  }

  /** The server's reasons for refusing a typed number, given by the forms that have one. */
  function numberMessages() {
    const element = document.getElementById("kaderasi-number-messages");
    return element ? JSON.parse(element.textContent) : { numbers: {}, range: S.invalid_number };
  }

  /** The reason a field was refused, named by its label, in the server's words. */
  function problemOf(label, reason, params = {}) {
    const text = reason === "number_empty" ? S.required : numberMessages().numbers[reason] || S.invalid_number;
    return format(S.field_problem, { field: label, problem: format(text, params) });
  }

  /** A typed number checked as the server checks it: {value} or {error} naming the field. The
   * input carries the field's rule (core/number_fields.py): data-places, data-min, data-max. */
  function numberFrom(form, input, name, typed) {
    const label = fieldLabel(form, name);
    const places = Number(input.dataset.places || 0);
    const say = (reason) => ({ error: problemOf(label, reason, { value: typed.trim(), places }) });
    const parsed = decimalParse(typed);
    if (parsed.problem) return say(parsed.problem);
    const decimals = (parsed.value.split(".")[1] || "").replace(/0+$/, "").length;
    if (decimals > places) return say(places ? "number_too_many_decimals" : "number_not_whole");
    const number = Number(parsed.value);
    const { min, max } = input.dataset;
    if ((min !== undefined && number < Number(min)) || (max !== undefined && number > Number(max))) {
      return { error: format(numberMessages().range, { kind: label, low: min ?? "…", high: max ?? "…" }) };
    }
    return { value: number };
  }

  function convert(kind, values) {
    const base = kind.replace("!", "");
    if (base === "integers") return values.flatMap((v) => String(v).split(",")).filter((v) => v.trim() !== "").map(Number);
    if (base === "texts") return values.map((v) => String(v).trim()).filter((v) => v !== "");
    const value = (values[0] || "").trim();
    if (value === "") return undefined;
    if (base === "datetime") {
      const date = new Date(value);
      return Number.isNaN(date.getTime()) ? value : date.toISOString();
    }
    if (base === "yesno") return value === "yes" ? true : value === "no" ? false : value;
    if (base === "number" || base === "integer") {
      const parsed = decimalParse(value);
      return parsed.problem ? value : Number(parsed.value);
    }
    return value;
  }

  /** The push record a form describes, and the fields that are missing or malformed. */
  function recordFrom(form) {
    const type = form.dataset.outbox;
    const data = new FormData(form);
    const record = { id: data.get("id"), type, mother_id: data.get("mother_id") };
    const errors = {};
    for (const [name, kind] of Object.entries(RECORD_FIELDS[type] || {})) {
      const input = form.querySelector(`[name="${CSS.escape(name)}"][data-number]`);
      const typed = String(data.get(name) || "");
      if (input && typed.trim() !== "") {
        const checked = numberFrom(form, input, name, typed);
        if (checked.error) errors[name] = checked.error;
        else record[name] = checked.value;
        continue;
      }
      const value = convert(kind, data.getAll(name));
      if (value === undefined) {
        if (kind.endsWith("!")) errors[name] = problemOf(fieldLabel(form, name), "number_empty");
        continue;
      }
      const numeric = kind.startsWith("number") || kind.startsWith("integer");
      const wrong = Array.isArray(value) ? value.some(Number.isNaN) : typeof value !== "number";
      if (numeric && wrong) errors[name] = S.invalid_number;
      record[name] = value;
    }
    return { record, errors };
  }

  /** What the person typed, field by field, so that a refused record can be opened again as she
   * wrote it ("12,5", not 12.5). */
  function valuesFrom(form) {
    const data = new FormData(form);
    const values = {};
    for (const name of ["id", "mother_id", ...Object.keys(RECORD_FIELDS[form.dataset.outbox] || {})]) {
      values[name] = data.getAll(name).map(String);
    }
    return values;
  }

  function showErrors(form, errors) {
    form.querySelectorAll(".offline-error").forEach((element) => element.remove());
    form.querySelectorAll(".has-error").forEach((element) => element.classList.remove("has-error"));
    let first = null;
    for (const [name, message] of Object.entries(errors)) {
      const input = form.querySelector(`[name="${CSS.escape(name)}"]`);
      const field = input && input.closest(".field, .time-picker, fieldset");
      const text = document.createElement("p");
      text.className = "error offline-error";
      text.setAttribute("role", "alert");
      text.textContent = message;
      if (field) {
        const details = field.closest("details");
        if (details) details.open = true;
        field.classList.add("has-error");
        field.append(text);
        first = first || (input.type === "hidden" ? field.querySelector("input:not([type=hidden])") : input) || input;
      } else {
        form.prepend(text);
      }
    }
    if (first) first.focus();
  }

  function notice(form, message, kind) {
    let box = form.querySelector(".offline-notice");
    if (!box) {
      box = document.createElement("p");
      box.className = "offline-notice";
      box.setAttribute("role", "status");
      form.prepend(box);
    }
    box.textContent = message;
    box.dataset.kind = kind;
    box.scrollIntoView({ block: "nearest" });
  }

  function freshId(form) {
    const input = form.querySelector('input[name="id"]');
    if (input) input.value = uuid4();
  }

  async function onSubmit(event) {
    const form = event.target.closest && event.target.closest("form[data-outbox]");
    if (!form || event.target !== form) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    // Seen at once (before anything is awaited): the tap was taken, one tap makes one record.
    const submit = form.querySelector("[type=submit]");
    formBusy(form, submit, S.saving);
    const user = await currentUser();
    if (!user) return form.submit(); // the server's form; the page changes
    const input = form.querySelector('input[name="id"]');
    if (input && !input.value) input.value = uuid4();
    const { record, errors } = recordFrom(form);
    let leaving = false;
    try {
      // Refused here, as the server would refuse it: nothing is queued.
      if (Object.keys(errors).length) return showErrors(form, errors);
      showErrors(form, {});
      leaving = await saveAndSend(form, user, record, valuesFrom(form), submit);
    } finally {
      if (!leaving) formIdle(form, submit); // the next page is loading: stay busy until it shows
    }
  }

  /** The form is being saved: its button says so (`label`) and cannot be tapped again. */
  function formBusy(form, submit, label) {
    form.setAttribute("aria-busy", "true");
    if (!submit) return;
    if (submit.dataset.label === undefined) submit.dataset.label = submit.textContent;
    submit.disabled = true;
    submit.classList.add("saving");
    submit.textContent = label;
  }

  function formIdle(form, submit) {
    form.removeAttribute("aria-busy");
    if (!submit) return;
    submit.disabled = false;
    submit.classList.remove("saving");
    if (submit.dataset.label !== undefined) submit.textContent = submit.dataset.label;
    delete submit.dataset.label;
  }

  async function saveAndSend(form, user, record, values, submit) {
    const db = await dbPromise;
    // A corrected record keeps its id (the server never stored the refused one, so sending the
    // same id again creates it) and replaces the refused one in the outbox.
    await db.put("outbox", {
      id: record.id,
      owner: user,
      record,
      values,
      status: "waiting",
      errors: [],
      saved_at: new Date().toISOString(),
      page: location.pathname,
    });
    // Safe on the phone from here on, whatever happens to the connection or the page.
    form.dispatchEvent(new CustomEvent("outbox:stored", { bubbles: true, detail: { id: record.id } }));
    if (navigator.onLine) {
      // Confirmed as soon as it is safe; the server's answer replaces this line when it comes.
      notice(form, S.stored_sending, "stored");
      formBusy(form, submit, S.syncing);
    }
    await refreshStatus();
    const outcome = navigator.onLine ? await syncAfterRunning() : null;
    const answer = outcome && outcome.answers[record.id];
    if (answer === "rejected") {
      const stored = await db.get("outbox", record.id);
      notice(form, S.fix_errors, "error");
      return showErrors(form, errorsOnFields(form, stored.errors));
    }
    const sent = answer === "created" || answer === "duplicate";
    const danger = record.type === "danger_signs" && record.signs && record.signs.length > 0;
    let message = sent ? S.saved_sent : S.saved_offline;
    if (danger) message = dangerMessage(form, record.signs, sent);
    // "sent": on the server; "queued": waiting on the phone; "danger": a danger sign (either).
    const kind = danger ? "danger" : sent ? "sent" : "queued";
    const calls = danger ? dangerCalls(form) : [];
    if (form.dataset.outboxNext) {
      sessionStorage.setItem("kaderasi-flash", JSON.stringify({ message, kind, calls }));
      location.assign(form.dataset.outboxNext);
      return true;
    }
    notice(form, message, danger ? "error" : "ok");
    form.reset();
    if (window.kaderasiRecords) window.kaderasiRecords.setup(form); // the time now
    freshId(form); // a new record, even on a form re-shown with errors
    return false;
  }

  /** How urgent a check is (its most severe sign, from the form's `data-danger-severities`). */
  function dangerLevel(form, signs) {
    let severities = {};
    try {
      severities = JSON.parse(form.dataset.dangerSeverities || "{}");
    } catch (error) {
      severities = {};
    }
    const levels = signs.map((code) => severities[code] || "same_day");
    if (levels.includes("emergency")) return "emergency";
    return levels.includes("same_day") ? "same_day" : "review";
  }

  /** The truth after a danger sign: an emergency goes to the puskesmas or hospital first; the
   * midwife knows only once the check is on the server, so offline the cadre must call. */
  function dangerMessage(form, signs, sent) {
    const level = dangerLevel(form, signs);
    const parts = level === "emergency" ? [S.danger_emergency] : [];
    if (!sent) parts.push(S.danger_offline);
    else if (level === "review") parts.push(S.danger_sent_review);
    else parts.push(S[`danger_sent_${form.dataset.dangerTold}`] || S.danger_sent_midwife);
    return parts.join(" ");
  }

  /** The midwives to call (the form's `data-danger-calls`), shown as links with the message. */
  function dangerCalls(form) {
    try {
      const calls = JSON.parse(form.dataset.dangerCalls || "[]");
      return Array.isArray(calls) ? calls : [];
    } catch (error) {
      return [];
    }
  }

  /** The server's errors by the form's fields; one for a field the form does not show names
   * the field by its label. */
  function errorsOnFields(form, errors) {
    const byField = {};
    for (const error of errors || []) {
      const shown = error.field && form.querySelector(`[name="${CSS.escape(error.field)}"]`);
      const key = shown ? error.field : "_";
      const message =
        error.field && !shown
          ? format(S.field_problem, { field: fieldLabel(form, error.field), problem: error.message })
          : error.message;
      byField[key] = byField[key] ? `${byField[key]} ${message}` : message;
    }
    return byField;
  }

  // --- correcting a refused record -----------------------------------------------------------

  const FIX_KEY = "kaderasi-fix";
  // The guided session is a timed walk through the steps, not a form to fill again.
  const NOT_CORRECTABLE = new Set(["massage_session"]);

  function correctable(item) {
    return item.status === "rejected" && Boolean(item.page) && !NOT_CORRECTABLE.has(item.record.type);
  }

  /** The values of a record saved before the typed values were kept. */
  function valuesOfRecord(record) {
    const values = {};
    for (const [name, value] of Object.entries(record)) {
      values[name] = Array.isArray(value) ? value.map(String) : [String(value)];
    }
    return values;
  }

  function fill(form, values) {
    for (const [name, list] of Object.entries(values)) {
      form.querySelectorAll(`[name="${CSS.escape(name)}"]`).forEach((input) => {
        if (input.type === "radio" || input.type === "checkbox") input.checked = list.includes(input.value);
        else if (input.tagName === "SELECT" && input.multiple) {
          for (const option of input.options) option.selected = list.includes(option.value);
        } else input.value = list[0] === undefined ? "" : list[0];
      });
    }
  }

  /** On the record's own form, opened from the outbox with "Correct": the form filled with what
   * was saved (same id), and the server's reasons on their fields. */
  async function openCorrection() {
    const id = sessionStorage.getItem(FIX_KEY);
    if (!id) return;
    sessionStorage.removeItem(FIX_KEY);
    const db = await dbPromise;
    const item = await db.get("outbox", id);
    if (!item || item.owner !== (await currentUser())) return;
    if (document.readyState === "loading") {
      await new Promise((resolve) => document.addEventListener("DOMContentLoaded", resolve, { once: true }));
    }
    const form = document.querySelector(`form[data-outbox="${CSS.escape(item.record.type)}"]`);
    if (!form) return;
    form.setAttribute("data-keep-values", ""); // care/records.js keeps the id and the time
    fill(form, item.values || valuesOfRecord(item.record));
    if (window.kaderasiRecords) window.kaderasiRecords.setup(form);
    notice(form, S.fix_errors, "error");
    showErrors(form, errorsOnFields(form, item.errors));
  }

  // --- sync ----------------------------------------------------------------------------------

  let running = null;
  let lastProblem = null;

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  async function api(url, options = {}) {
    const response = await fetch(url, {
      credentials: "same-origin",
      ...options,
      headers: {
        Accept: "application/json",
        "X-CSRFToken": csrfToken(),
        ...(options.body ? { "Content-Type": "application/json" } : {}),
      },
    });
    if (response.status === 401 || response.status === 403) throw new Error("login");
    return response;
  }

  function sync() {
    if (!running) running = runSync().finally(() => (running = null));
    return running;
  }

  /** A sync that starts after this moment: one already running may have read the outbox before
   * the record just saved, and its answers would not include it. */
  async function syncAfterRunning() {
    if (running) await running;
    return sync();
  }

  async function runSync() {
    const outcome = { answers: {} };
    if (!CONFIG.user) return outcome;
    setBusy(true);
    try {
      await pushAll(outcome);
      await pullAll();
      await meta("last_sync", new Date().toISOString());
      lastProblem = null;
      await keepPages();
    } catch (error) {
      lastProblem = error.message === "login" ? "login" : "unreachable";
    } finally {
      setBusy(false);
      await refreshStatus();
    }
    return outcome;
  }

  async function pushAll(outcome) {
    const db = await dbPromise;
    let waiting = (await myRecords()).filter((item) => item.status === "waiting");
    while (waiting.length) {
      const batch = waiting.slice(0, BATCH);
      waiting = waiting.slice(BATCH);
      const response = await api(CONFIG.push, {
        method: "POST",
        body: JSON.stringify({ records: batch.map((item) => item.record) }),
      });
      if (response.status === 422) {
        // A record the schema refuses: keep it with its errors, send the others again.
        const body = await response.json();
        const refused = new Map();
        for (const error of body.errors || []) {
          const match = /^records\.(\d+)(?:\.(.+))?$/.exec(error.field || "");
          if (!match) continue;
          const item = batch[Number(match[1])];
          if (!refused.has(item)) refused.set(item, []);
          refused.get(item).push({ ...error, field: match[2] || null });
        }
        if (!refused.size) throw new Error("unreachable");
        for (const [item, errors] of refused) {
          await db.put("outbox", { ...item, status: "rejected", errors });
          outcome.answers[item.id] = "rejected";
        }
        waiting = batch.filter((item) => !refused.has(item)).concat(waiting);
        continue;
      }
      if (!response.ok) throw new Error("unreachable");
      const body = await response.json();
      const recorded = new Map();
      const tx = db.transaction(["outbox", "meta"], "readwrite");
      for (const result of body.results) {
        outcome.answers[result.id] = result.status;
        const item = batch.find((candidate) => candidate.id === result.id);
        if (result.status === "created") changeOf(recorded, item.record.mother_id).add(item.record.type);
        if (result.status === "rejected") {
          const rejected = { ...item, status: "rejected", errors: result.errors };
          await tx.objectStore("outbox").put(rejected);
        } else {
          await tx.objectStore("outbox").delete(result.id);
        }
      }
      await staleMark(tx.objectStore("meta"), recorded);
      await tx.done;
    }
  }

  /** What changed for each client (her id → a set of "mother", "schedule", "flags" and the types
   * of the records pushed for her: the changes of offline/shell.py::MOTHER_PAGES). */
  function changeOf(changes, id) {
    if (!changes.has(id)) changes.set(id, new Set());
    return changes.get(id);
  }

  /** Pull what changed into the phone's stores, marking with it what changed for each client
   * (`staleMark`), so that only the kept screens showing it are fetched again. The server leaves out a record the phone holds
   * unchanged (the cursor remembers what it sent: decision 0155); a record sent again all the
   * same (a large scope) counts as a change only with a new version of a mother, her schedule or
   * her flags (or a new postpartum day), so unchanged screens are not downloaded again. */
  async function pullAll() {
    const db = await dbPromise;
    let cursor = await meta("cursor");
    let more = true;
    while (more) {
      const changes = new Map();
      const url = cursor ? `${CONFIG.pull}?cursor=${encodeURIComponent(cursor)}` : CONFIG.pull;
      let response = await api(url);
      if (response.status === 400 && cursor) {
        cursor = null; // an unusable cursor: start again from nothing
        response = await api(CONFIG.pull);
      }
      if (!response.ok) throw new Error("unreachable");
      const body = await response.json();
      const tx = db.transaction(["mothers", "schedule", "flags", "meta"], "readwrite");
      const stores = {
        mothers: tx.objectStore("mothers"),
        schedule: tx.objectStore("schedule"),
        flags: tx.objectStore("flags"),
      };
      if (body.reset) await Promise.all(Object.values(stores).map((store) => store.clear()));
      for (const mother of body.mothers) {
        const before = await stores.mothers.get(mother.id);
        const same =
          before &&
          before.version === mother.version &&
          before.postpartum_day === mother.postpartum_day &&
          before.stage === mother.stage &&
          before.screens_kept === mother.screens_kept;
        if (!same) changeOf(changes, mother.id).add("mother");
        await stores.mothers.put(mother);
      }
      for (const [name, rows, kept] of [
        ["schedule", body.schedule, (row) => !row.cancelled_at],
        ["flags", body.flags, (row) => row.is_open],
      ]) {
        for (const row of rows) {
          const before = await stores[name].get(row.id);
          if (kept(row)) {
            if (!before || before.version !== row.version) changeOf(changes, row.mother_id).add(name);
            await stores[name].put(row);
          } else if (before) {
            changeOf(changes, row.mother_id).add(name);
            await stores[name].delete(row.id);
          }
        }
      }
      for (const tombstone of body.tombstones) await stores.mothers.delete(tombstone.id);
      await staleMark(tx.objectStore("meta"), changes);
      await tx.objectStore("meta").put(body.cursor, "cursor");
      await tx.objectStore("meta").put(body.content.version, "content_version");
      await tx.done;
      cursor = body.cursor;
      more = body.has_more;
    }
  }

  // What changed for the clients whose kept screens are out of date:
  // { next, ids: { motherId: { mark, what: [what changed, as `changeOf` names it] } } }.
  const STALE = "stale_clients";

  /** Mark the screens showing `changes` (`changeOf`'s) out of date, in the transaction that stores
   * the change (`store`, its meta store): the mark outlives a sync cut short after it (the page
   * left for another, the signal gone while the worker fetched them), and the next sync keeps
   * them; the change alone would look old to it, and her phone would show the old screens
   * without signal (a stop after it ended, or none where one began: decision 0290). */
  async function staleMark(store, changes) {
    if (!changes.size) return;
    const stale = (await store.get(STALE)) || { next: 1, ids: {} };
    for (const [id, what] of changes) {
      const before = stale.ids[id] ? stale.ids[id].what : [];
      stale.ids[id] = { mark: stale.next++, what: [...new Set([...before, ...what])] };
    }
    await store.put(stale, STALE);
  }

  /** Unmark the clients of `marked` (a `staleMark` read before their screens were kept), save
   * those marked again since (a change pulled while the worker was fetching). */
  async function staleKept(marked) {
    const db = await dbPromise;
    const tx = db.transaction("meta", "readwrite");
    const stale = await tx.store.get(STALE);
    if (stale) {
      for (const [id, { mark }] of Object.entries(marked)) {
        if (stale.ids[id] && stale.ids[id].mark === mark) delete stale.ids[id];
      }
      await tx.store.put(stale, STALE);
    }
    await tx.done;
  }

  /** The active service worker, whether or not it controls this page yet (a page opened while
   * the worker was still installing is not controlled until it is claimed, but the worker
   * can keep pages for it all the same); null when there is none within `waitMs`. */
  async function activeWorker(waitMs) {
    if (!("serviceWorker" in navigator)) return null;
    const timeout = new Promise((resolve) => setTimeout(resolve, waitMs, null));
    const registration = await Promise.race([navigator.serviceWorker.ready, timeout]);
    return (registration && registration.active) || null;
  }

  async function askWorker(message) {
    const worker = await activeWorker(30000);
    if (!worker) return false;
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (event) => resolve(Boolean(event.data && event.data.complete));
      worker.postMessage(message, [channel.port2]);
      setTimeout(() => resolve(false), 60000);
    });
  }

  /** Have the service worker keep a cadre's screens for her clients: all of them once per app
   * version (its caches start empty), and again those showing what changed for a client (marked
   * by `staleMark`) until the worker has kept them all. */
  async function keepPages() {
    if (CONFIG.role !== "cadre" || !("serviceWorker" in navigator)) return;
    const db = await dbPromise;
    const everything = (await meta("pages_kept")) !== CONFIG.shell_version;
    const marked = ((await meta(STALE)) || { ids: {} }).ids;
    const changes = new Map(Object.entries(marked).map(([id, { what }]) => [id, new Set(what)]));
    if (!everything && !changes.size) return;
    // The screens of the clients the server says she needs offline (`screens_kept`: those she
    // accompanies, or whose puerperium is not over), not those of mothers whose care ended.
    const mothers = await db.getAll("mothers");
    const screens = (showing) =>
      mothers
        .filter((mother) => mother.screens_kept)
        .flatMap((mother) =>
          CONFIG.mother_pages
            .filter((page) => showing(mother.id, page))
            .map((page) => page.url.replace("{id}", mother.id)),
        );
    // The pages that show what changed for a client (offline/shell.py::MOTHER_PAGES).
    const shows = (id, page) => {
      const changed = changes.get(id);
      return Boolean(changed) && (changed.has("mother") || page.shows.some((what) => changed.has(what)));
    };
    // Home lists her clients, so it follows their changes; the outbox page and the training
    // materials are kept once per app version. Everything once: only the pages not kept yet
    // (those just visited are fresh); the pages showing a change, fetched again.
    const again = changes.size ? [CONFIG.home, ...screens(shows)] : [];
    const missing = everything
      ? [CONFIG.home, CONFIG.outbox, ...CONFIG.kept_pages, ...screens(() => true)]
      : [];
    let kept = true;
    if (again.length) {
      kept = await askWorker({ type: "keep-pages", urls: again, onlyMissing: false });
    }
    if (kept && changes.size) await staleKept(marked);
    if (kept && missing.length) {
      kept = await askWorker({ type: "keep-pages", urls: missing, onlyMissing: true });
    }
    if (everything && kept && (await keepMediaOfPages(CONFIG.kept_pages))) {
      await meta("pages_kept", CONFIG.shell_version);
    }
  }

  /** The files a page marks `data-keep-offline` (the training video), kept whole by the
   * worker so they play offline; its `[data-kept-note]` says so once they are. */
  async function keepMediaOf(root) {
    const elements = [...root.querySelectorAll("[data-keep-offline][src]")];
    if (!elements.length) return true;
    const urls = elements.map((element) => new URL(element.getAttribute("src"), location.href).href);
    const kept = await askWorker({ type: "keep-media", urls });
    if (kept && root === document) {
      for (const element of elements) {
        const note = element.parentElement.querySelector("[data-kept-note]");
        if (note) note.hidden = false;
      }
    }
    return kept;
  }

  /** The media of pages kept for offline use (the video on the materials page), read from the
   * pages themselves so that a cadre who never opened them still has the video offline. */
  async function keepMediaOfPages(urls) {
    let complete = true;
    for (const url of urls) {
      try {
        const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        complete = (await keepMediaOf(page)) && complete;
      } catch (error) {
        complete = false;
      }
    }
    return complete;
  }

  // --- status --------------------------------------------------------------------------------

  let bar = null;

  function buildBar() {
    const header = document.querySelector(".topbar");
    if (!header || !CONFIG.user) return;
    bar = document.createElement("div");
    bar.className = "sync-status";
    bar.setAttribute("role", "status");
    bar.setAttribute("aria-live", "polite");
    bar.innerHTML =
      '<span class="sync-dot" aria-hidden="true"></span>' +
      '<span class="sync-text"></span>' +
      '<a class="sync-link" hidden></a>' +
      '<button type="button" class="sync-now"></button>';
    bar.querySelector(".sync-now").textContent = S.sync_now;
    bar.querySelector(".sync-now").addEventListener("click", () => sync());
    header.after(bar);
    if (CONFIG.conflicts.count > 0) {
      const link = document.createElement("a");
      link.className = "sync-conflicts";
      link.href = CONFIG.conflicts.url;
      link.textContent = S.conflicts.replace("%(count)s", CONFIG.conflicts.count);
      bar.after(link);
    }
  }

  /** Offline, a kept screen says when the server wrote it: the postpartum day and the session
   * due now on it were true then and may not be now (the `Date` of the kept copy). */
  async function showKeptAge() {
    if (navigator.onLine || !bar || !window.caches) return;
    const kept = await caches.match(location.href, { ignoreVary: true });
    const written = kept && kept.headers.get("Date");
    if (!written || Number.isNaN(Date.parse(written))) return;
    const line = document.createElement("p");
    line.className = "kept-at";
    line.textContent = format(S.kept_at, { when: timeOf(new Date(written).toISOString()) });
    bar.after(line);
  }

  let busy = false;

  function setBusy(state) {
    busy = state;
    if (bar) bar.classList.toggle("busy", busy);
    if (bar && busy) bar.querySelector(".sync-text").textContent = S.syncing;
  }

  function timeOf(iso) {
    const date = new Date(iso);
    const sameDay = date.toDateString() === new Date().toDateString();
    const options = sameDay
      ? { hour: "2-digit", minute: "2-digit" }
      : { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" };
    return date.toLocaleString(document.documentElement.lang || undefined, options);
  }

  async function refreshStatus() {
    const records = await myRecords();
    const waiting = records.filter((item) => item.status === "waiting").length;
    const rejected = records.length - waiting;
    const lastSync = await meta("last_sync");
    document.querySelectorAll("[data-outbox-count]").forEach((element) => {
      element.textContent = String(waiting);
    });
    if (bar && !busy) {
      const online = navigator.onLine;
      // Records the server refused are not "all sent": they wait on the phone for a correction,
      // and the bar says so in the colour of a problem.
      bar.dataset.state = lastProblem || (!online ? "offline" : rejected ? "rejected" : "online");
      const parts = [online ? S.online : S.offline];
      if (waiting) parts.push(S.waiting.replace("%(count)s", waiting));
      if (rejected) parts.push(S.rejected.replace("%(count)s", rejected));
      if (!waiting && !rejected) parts.push(S.all_sent);
      parts.push(lastSync ? S.last_sync.replace("%(when)s", timeOf(lastSync)) : S.never_synced);
      if (lastProblem === "login") parts.push(S.login_needed);
      else if (lastProblem === "unreachable" && online) parts.push(S.server_unreachable);
      const text = bar.querySelector(".sync-text");
      text.textContent = parts.join(" · ");
      text.dataset.waiting = String(waiting);
      const link = bar.querySelector(".sync-link");
      link.hidden = !(waiting || rejected) || location.pathname === CONFIG.outbox;
      link.href = lastProblem === "login" ? CONFIG.login : CONFIG.outbox;
      link.textContent = lastProblem === "login" ? S.login_needed : S.see_outbox;
    }
    if (document.getElementById("outbox-list")) renderOutbox(records);
  }

  async function renderOutbox(records) {
    const list = document.getElementById("outbox-list");
    const db = await dbPromise;
    list.replaceChildren();
    if (!records.length) {
      const empty = document.createElement("p");
      empty.className = "empty";
      empty.textContent = T.nothing_waits;
      list.append(empty);
      return;
    }
    for (const item of records) {
      const mother = await db.get("mothers", item.record.mother_id);
      const card = document.createElement("article");
      card.className = `card outbox-item ${item.status}`;
      const title = document.createElement("h3");
      title.textContent = `${T.types[item.record.type] || item.record.type}${mother ? ` · ${mother.name}` : ""}`;
      const when = document.createElement("p");
      when.className = "muted small";
      when.textContent = timeOf(item.saved_at);
      card.append(title, when);
      const labels = LABELS[item.record.type] || {};
      for (const error of item.errors || []) {
        const line = document.createElement("p");
        line.className = "error";
        line.dataset.field = error.field || "";
        line.textContent = error.field
          ? format(S.field_problem, { field: labels[error.field] || error.field, problem: error.message })
          : error.message;
        card.append(line);
      }
      if (item.status === "rejected") {
        const actions = document.createElement("div");
        actions.className = "outbox-actions";
        if (correctable(item)) {
          const fix = document.createElement("button");
          fix.type = "button";
          fix.className = "btn primary";
          fix.dataset.fix = item.id;
          fix.textContent = T.correct;
          fix.addEventListener("click", () => {
            sessionStorage.setItem(FIX_KEY, item.id);
            location.assign(item.page);
          });
          actions.append(fix);
        }
        const again = document.createElement("button");
        again.type = "button";
        again.className = "btn";
        again.textContent = T.try_again;
        again.addEventListener("click", async () => {
          await db.put("outbox", { ...item, status: "waiting", errors: [] });
          await sync();
        });
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "btn danger";
        remove.textContent = T.delete;
        remove.addEventListener("click", async () => {
          if (!window.confirm(T.delete_confirm)) return;
          await db.delete("outbox", item.id);
          await refreshStatus();
        });
        actions.append(again, remove);
        card.append(actions);
      }
      list.append(card);
    }
  }

  // --- logout and a change of user -----------------------------------------------------------

  async function onLogout(event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || new URL(form.action, location.href).pathname !== CONFIG.logout) {
      return;
    }
    event.preventDefault();
    const waiting = (await myRecords()).length;
    if (waiting && !window.confirm(S.logout_waiting.replace("%(count)s", waiting))) return;
    await clearPersonalCaches();
    await forgetPulledData();
    await meta("user", null);
    await meta("pages_kept", null);
    form.submit();
  }

  async function rememberUser() {
    const previous = await meta("user");
    if (CONFIG.user && previous && previous !== CONFIG.user) {
      // Another person logged in on this phone: nothing of the previous one's pages or clients
      // stays visible (her outbox stays, kept for her next login).
      await clearPersonalCaches();
      await forgetPulledData();
      await meta("pages_kept", null);
    }
    if (CONFIG.user) await meta("user", CONFIG.user);
  }

  // --- start ---------------------------------------------------------------------------------

  function showFlash() {
    const stored = sessionStorage.getItem("kaderasi-flash");
    if (!stored) return;
    sessionStorage.removeItem("kaderasi-flash");
    let flash;
    try {
      flash = JSON.parse(stored);
    } catch (error) {
      flash = { message: stored, kind: "sent" };
    }
    const line = document.createElement("p");
    const alarming = flash.kind === "danger";
    line.className = `message offline-flash ${alarming ? "error" : "success"}`;
    line.setAttribute("role", alarming ? "alert" : "status");
    line.dataset.kind = flash.kind;
    line.textContent = flash.message;
    for (const call of flash.calls || []) {
      if (!String(call.tel || "").startsWith("tel:")) continue;
      const row = document.createElement("span");
      row.className = "btn-row offline-call";
      const dial = document.createElement("a");
      dial.className = "btn danger primary";
      dial.href = call.tel;
      dial.textContent = `📞 ${S.call_name.replace("%(name)s", call.name)} · ${call.display}`;
      row.append(dial);
      if (String(call.whatsapp || "").startsWith("https://wa.me/")) {
        const chat = document.createElement("a");
        chat.className = "btn";
        chat.href = call.whatsapp;
        chat.target = "_blank";
        chat.rel = "noopener";
        chat.textContent = "WhatsApp";
        row.append(chat);
      }
      line.append(document.createElement("br"), row);
    }
    document.querySelector("main")?.prepend(line);
  }

  async function start() {
    document.addEventListener("submit", onSubmit, true);
    document.addEventListener("submit", onLogout, true);
    showFlash();
    buildBar();
    showKeptAge().catch(() => {});
    await rememberUser();
    await refreshStatus();
    await openCorrection();
    if ("serviceWorker" in navigator && CONFIG.user) {
      // Without a worker (refused, or not served) the app still syncs; it just cannot keep pages.
      // Only for a person logged in (the login page needs nothing kept), and once the page has
      // loaded: on a slow connection the shell it keeps must not hold up her first screen.
      const register = () =>
        navigator.serviceWorker.register(CONFIG.service_worker, { scope: "/" }).catch(() => {});
      if (document.readyState === "complete") register();
      else window.addEventListener("load", register, { once: true });
    }
    if (navigator.storage && navigator.storage.persist) {
      navigator.storage.persisted().then((persisted) => persisted || navigator.storage.persist());
    }
    window.addEventListener("online", () => sync());
    window.addEventListener("offline", () => refreshStatus());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && navigator.onLine) sync();
    });
    setInterval(() => navigator.onLine && sync(), SYNC_EVERY_MS);
    const first = navigator.onLine ? sync() : Promise.resolve();
    // Ready: synced, and (on the first visit) the cadre's screens kept for offline use by the
    // worker. A worker that never becomes active (its install failed) does not hold the app
    // back: keepPages gives up after a while, and the pages are kept at a later sync.
    return first.then(async () => {
      await keepPages();
      if (CONFIG.role === "cadre" && navigator.onLine && "serviceWorker" in navigator) {
        await keepMediaOf(document);
      }
    });
  }

  window.kaderasiOffline = { sync, records: myRecords, refreshStatus, decimalParse };
  window.kaderasiOffline.ready = start();
})();
