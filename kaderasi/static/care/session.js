/* The guided massage session. Runs entirely in the browser once the page is loaded: questions,
   steps, timer and signals need no server; only the final form is submitted (or queued by the
   offline app through its data-outbox attribute). The session's state is kept in
   sessionStorage, so a reload or a lost tab resumes it instead of losing the time. */
(function () {
  "use strict";

  var guide = document.getElementById("guide");
  if (!guide) return;
  var config = JSON.parse(document.getElementById("session-config").textContent);
  var records = window.kaderasiRecords;
  var storageKey = "kaderasi-session-" + guide.dataset.mother;
  var screens = Array.prototype.slice.call(guide.querySelectorAll("[data-screen]"));
  var steps = screens.filter(function (s) { return s.dataset.screen === "step"; });
  var timed = steps.filter(function (s) { return s.hasAttribute("data-timed"); });
  var lastTimed = timed[timed.length - 1];
  var timer = guide.querySelector("[data-timer]");
  var clock = guide.querySelector("[data-clock]");
  var moved = false; // the first screen shown on load keeps the focus where the browser put it
  var bar = guide.querySelector("[data-bar]");
  var signalLine = guide.querySelector("[data-signal]");
  var endForm = guide.querySelector("form[data-outbox=massage_session]");
  var stopForm = guide.querySelector("form[data-stop-form]");

  var state = load() || fresh();
  var ticking = null;
  var audio = null;
  var wakeLock = null;

  function fresh() {
    return { id: records.uuid(), startedAt: null, endedAt: null, screen: "intro", step: null,
             done: [], signalled: { min: false, max: false } };
  }
  function load() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(storageKey));
      // A session left more than three hours ago is not resumed.
      if (saved && saved.startedAt && Date.now() - saved.startedAt > 3 * 3600 * 1000) return null;
      return saved;
    } catch (e) { return null; }
  }
  function save() {
    try { sessionStorage.setItem(storageKey, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }
  function clear() {
    try { sessionStorage.removeItem(storageKey); } catch (e) { /* ignore */ }
  }

  function show(name, stepNumber) {
    screens.forEach(function (s) {
      var match = s.dataset.screen === name &&
        (name !== "step" || s.dataset.step === String(stepNumber));
      s.hidden = !match;
    });
    state.screen = name;
    state.step = name === "step" ? stepNumber : null;
    timer.hidden = !state.startedAt || name === "end";
    if (name === "end") prepareEnd();
    save();
    window.scrollTo(0, 0);
    // The new screen is announced: focus moves to its heading (never left on <body>).
    var shown = screens.filter(function (s) { return !s.hidden; })[0];
    var heading = shown && shown.querySelector(".screen-title");
    if (heading && moved) heading.focus({ preventScroll: true });
    moved = true;
  }

  function elapsedSeconds() {
    if (!state.startedAt) return 0;
    var end = state.endedAt || Date.now();
    return Math.max(0, Math.floor((end - state.startedAt) / 1000));
  }
  function format(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return (m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s;
  }
  function tick() {
    var seconds = elapsedSeconds();
    clock.textContent = format(seconds);
    bar.style.width = Math.min(100, (seconds / (config.minutesMax * 60)) * 100) + "%";
    timer.classList.toggle("reached-min", seconds >= config.minutesMin * 60);
    timer.classList.toggle("reached-max", seconds >= config.minutesMax * 60);
    if (state.endedAt) return;
    if (seconds >= config.minutesMin * 60 && !state.signalled.min) {
      state.signalled.min = true;
      signal(guide.dataset.textMin);
    }
    if (seconds >= config.minutesMax * 60 && !state.signalled.max) {
      state.signalled.max = true;
      signal(guide.dataset.textMax);
    }
  }
  function startTicking() {
    if (!ticking) ticking = setInterval(tick, 250);
    tick();
  }

  function unlockAudio() {
    try {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (Context && !audio) audio = new Context();
      if (audio && audio.state === "suspended") audio.resume();
    } catch (e) { audio = null; }
  }
  function beep() {
    if (!audio) return;
    try {
      var now = audio.currentTime;
      [0, 0.45].forEach(function (offset) {
        var tone = audio.createOscillator(), gain = audio.createGain();
        tone.frequency.value = 880;
        gain.gain.setValueAtTime(0.0001, now + offset);
        gain.gain.exponentialRampToValueAtTime(0.25, now + offset + 0.03);
        gain.gain.exponentialRampToValueAtTime(0.0001, now + offset + 0.35);
        tone.connect(gain);
        gain.connect(audio.destination);
        tone.start(now + offset);
        tone.stop(now + offset + 0.4);
      });
    } catch (e) { /* no sound on this phone */ }
  }
  function signal(text) {
    if (navigator.vibrate) navigator.vibrate([250, 120, 250]);
    beep();
    signalLine.textContent = text;
  }
  function keepScreenOn() {
    if (navigator.wakeLock && !wakeLock) {
      navigator.wakeLock.request("screen").then(function (lock) { wakeLock = lock; }, function () {});
    }
  }

  function startTimer() {
    if (!state.startedAt) {
      state.startedAt = Date.now();
      state.signalled = { min: false, max: false };
    }
    state.endedAt = null;
    keepScreenOn();
    startTicking();
  }
  function stopTimer() {
    if (state.startedAt && !state.endedAt) state.endedAt = Date.now();
    tick();
  }

  function stepIndex(number) {
    for (var i = 0; i < steps.length; i++) if (steps[i].dataset.step === String(number)) return i;
    return -1;
  }
  function goToStep(section) {
    if (section.hasAttribute("data-timed")) startTimer();
    show("step", section.dataset.step);
  }
  function markDone(number) {
    if (state.done.indexOf(Number(number)) < 0) state.done.push(Number(number));
  }
  function next() {
    var current = steps[stepIndex(state.step)];
    markDone(current.dataset.step);
    if (current === lastTimed && !state.endedAt) {
      if (elapsedSeconds() < config.minutesMin * 60) {
        guide.querySelector("[data-short-minutes]").textContent = Math.floor(elapsedSeconds() / 60);
        show("short");
        return;
      }
      stopTimer();
    }
    var following = steps[stepIndex(state.step) + 1];
    if (following) goToStep(following); else show("end");
  }
  function back() {
    var index = stepIndex(state.step);
    if (index <= 0) { show("questions"); return; }
    var previous = steps[index - 1];
    if (previous.hasAttribute("data-timed") && state.endedAt) state.endedAt = null;
    goToStep(previous);
  }

  function checkQuestions() {
    var unanswered = false, yes = [];
    guide.querySelectorAll("[data-question]").forEach(function (question) {
      var chosen = question.querySelector("input:checked");
      if (!chosen) unanswered = true;
      else if (chosen.value === "yes") yes.push(question);
    });
    guide.querySelector("[data-unanswered]").hidden = !unanswered;
    if (unanswered) return;
    unlockAudio();
    if (yes.length) { prepareStop(yes); show("stop"); return; }
    goToStep(steps[0]);
  }
  function prepareStop(questions) {
    var list = guide.querySelector("[data-stop-list]");
    var inputs = guide.querySelector("[data-stop-signs]");
    list.textContent = "";
    inputs.textContent = "";
    questions.forEach(function (question) {
      var item = document.createElement("li");
      item.textContent = question.querySelector("legend").textContent.trim();
      list.appendChild(item);
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "signs";
      input.value = question.dataset.question;
      inputs.appendChild(input);
    });
    stopForm.querySelector("[name=id]").value = records.uuid();
    stopForm.querySelector("[name=observed_at]").value = records.isoWithOffset(new Date());
  }

  function prepareEnd() {
    if (endForm.hasAttribute("data-keep-values")) {
      var started = Date.parse(endForm.querySelector("[name=started_at]").value);
      var ended = Date.parse(endForm.querySelector("[name=ended_at]").value);
      if (!isNaN(started) && !isNaN(ended)) {
        guide.querySelector("[data-duration]").textContent = format(Math.floor((ended - started) / 1000));
      }
      return;
    }
    stopTimer();
    endForm.querySelector("[name=id]").value = state.id;
    endForm.querySelector("[name=started_at]").value = records.isoWithOffset(new Date(state.startedAt || Date.now()));
    endForm.querySelector("[name=ended_at]").value = records.isoWithOffset(new Date(state.endedAt || Date.now()));
    var minutes = Math.round(elapsedSeconds() / 60);
    guide.querySelector("[data-duration]").textContent =
      format(elapsedSeconds()) + " (" + minutes + " " + guide.dataset.textMinutes + ")";
    endForm.querySelectorAll("[data-step-check]").forEach(function (box) {
      box.checked = state.done.indexOf(Number(box.dataset.stepCheck)) >= 0;
    });
  }

  guide.addEventListener("click", function (event) {
    var target = event.target.closest("[data-go], [data-action]");
    if (!target) return;
    unlockAudio();
    if (target.dataset.go) { show(target.dataset.go); return; }
    switch (target.dataset.action) {
      case "check-questions": checkQuestions(); break;
      case "next": next(); break;
      case "back": back(); break;
      case "continue-massage": show("step", lastTimed.dataset.step); break;
      case "finish-anyway": stopTimer(); var after = steps[stepIndex(lastTimed.dataset.step) + 1];
        if (after) goToStep(after); else show("end"); break;
      case "resume": resume(); break;
    }
  });

  function resume() {
    if (state.startedAt) startTicking();
    if (state.screen === "step" && state.step) show("step", state.step);
    else show(state.screen || "intro");
  }

  // Posted to the server, or (by the offline app) stored in the phone's outbox: either way the
  // session is saved, so its timer state goes and leaving the page no longer warns.
  function finished() { clear(); window.removeEventListener("beforeunload", warn); }
  [endForm, stopForm].forEach(function (form) {
    form.addEventListener("submit", finished);
    form.addEventListener("outbox:stored", finished);
  });
  function warn(event) {
    if (state.startedAt) { event.preventDefault(); event.returnValue = guide.dataset.textLeave; }
  }
  window.addEventListener("beforeunload", warn);

  if (guide.dataset.startScreen === "end") {
    timer.hidden = true;
    screens.forEach(function (s) { s.hidden = s !== endForm; });
    prepareEnd();
  } else if (state.startedAt) {
    guide.querySelector("[data-resume]").hidden = false;
    show("intro");
  } else {
    show("intro");
  }
})();
