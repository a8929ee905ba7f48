// The calendar board, drawn by the vendored EventCalendar library
// (static/vendor/event-calendar-*.min.js). The page hands it its settings in
// <script id="board-config" type="application/json">; the events come from
// the server as JSON; every drag or resize is sent to the server, which
// checks it like the edit form and is the source of truth: a refused change
// snaps back and its reason is read out in the aria-live status line.
//
// Times: the server sends the location's wall-clock time with its UTC offset.
// The board runs in UTC and is given the wall-clock part only, so it shows
// the location's day whatever the browser's zone, and no clock change of the
// browser's zone shifts it. The Date objects it hands back therefore carry
// the location's wall-clock time in their UTC fields.

const COLOUR = /^#[0-9a-fA-F]{6}$/;

// Provider colours: <el data-colour="#1f6f8b"> gets --pc set from it. The CSP
// forbids style attributes, but setting a property from script is allowed.
function paint(root) {
  root.querySelectorAll("[data-colour]").forEach((el) => {
    const colour = el.dataset.colour;
    if (COLOUR.test(colour)) {
      el.style.setProperty("--pc", colour);
    }
  });
}

const pad = (n) => String(n).padStart(2, "0");

// "YYYY-MM-DD" of a board date.
function dayText(date) {
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

// "YYYY-MM-DDTHH:MM" of a board date: the location's wall-clock time.
function localText(date) {
  return `${dayText(date)}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
}

function timeText(date) {
  return `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
}

// The wall-clock part of "2031-03-03T10:00-05:00".
const wallClock = (iso) => iso.slice(0, 16);

function csrfToken() {
  try {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch {
    return "";
  }
}

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text) el.textContent = text;
  return el;
}

function startBoard(mount, config) {
  const status = document.getElementById("board-status");
  const say = (text) => {
    status.textContent = text;
  };
  const byStatus = config.colour === "status";
  const resourceNames = new Map(config.resources.map((r) => [r.id, r.title]));

  function toEvent(item) {
    const event = {
      id: item.id,
      start: wallClock(item.start),
      end: wallClock(item.end),
      title: item.title,
      editable: item.editable,
      startEditable: item.editable,
      durationEditable: item.editable,
      classNames: ["board-event", `status-${item.status}`],
      extendedProps: { url: item.url, typeName: item.typeName, statusLabel: item.statusLabel },
    };
    if (config.view === "day") event.resourceIds = [item.resourceId];
    if (!byStatus && COLOUR.test(item.colour)) event.backgroundColor = item.colour;
    return event;
  }

  function toBackground(item, index) {
    const event = {
      id: `bg-${index}`,
      start: wallClock(item.start),
      end: wallClock(item.end),
      display: "background",
      classNames: [`board-${item.kind}`],
      title: item.title,
    };
    if (config.view === "day" && item.resourceId) event.resourceIds = [item.resourceId];
    return event;
  }

  async function loadEvents(info) {
    const params = new URLSearchParams({
      location: config.location,
      start: dayText(info.start),
      end: dayText(info.end),
    });
    config.resources.forEach((r) => params.append("provider", r.id));
    const response = await fetch(`${config.eventsUrl}?${params}`, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (!response.ok) {
      say("The appointments could not be loaded. Reload the page to try again.");
      throw new Error(`events: ${response.status}`);
    }
    const data = await response.json();
    // Cancelled and no-show appointments free their time: the list view
    // shows them, the grid does not.
    return [
      ...data.events.filter((item) => !item.released).map(toEvent),
      ...data.background.map(toBackground),
    ];
  }

  // An appointment is a link to its page: focusable, Enter opens it.
  function eventContent(info) {
    const event = info.event;
    if (event.display === "background") {
      return event.title && event.classNames.includes("board-holiday")
        ? { domNodes: [element("span", "board-holiday-name", event.title)] }
        : { domNodes: [] };
    }
    const link = element("a", "board-link");
    link.href = event.extendedProps.url;
    link.draggable = false;
    const when = `${timeText(event.start)}\u2013${timeText(event.end)}`;
    link.append(
      element("span", "board-time", when),
      element("strong", "board-title", event.title),
      element("span", "board-type", `${event.extendedProps.typeName} · ${event.extendedProps.statusLabel}`),
    );
    link.setAttribute(
      "aria-label",
      `${when} ${event.title}, ${event.extendedProps.typeName}, ${event.extendedProps.statusLabel}`,
    );
    return { domNodes: [link] };
  }

  let calendar;

  async function send(info, resized) {
    const event = info.event;
    const body = new URLSearchParams({ start: localText(event.start) });
    if (resized) body.set("end", localText(event.end));
    if (info.newResource) body.set("provider", String(info.newResource.id));
    const where = info.newResource ? ` with ${resourceNames.get(String(info.newResource.id))}` : "";
    say(`Saving ${event.title}…`);
    let response;
    try {
      response = await fetch(config.moveUrl.replace(config.placeholder, event.id), {
        method: "POST",
        headers: {
          "X-CSRFToken": csrfToken(),
          "Content-Type": "application/x-www-form-urlencoded",
          Accept: "application/json",
        },
        body,
        credentials: "same-origin",
      });
    } catch {
      info.revert();
      say(`Not changed: the server could not be reached. ${event.title} is back where it was.`);
      return;
    }
    if (response.ok) {
      say(`${event.title} ${resized ? "now ends at" : "moved to"} ${resized ? timeText(event.end) : `${dayText(event.start)} ${timeText(event.start)}${where}`}.`);
      document.body.dispatchEvent(new CustomEvent("appointment-changed", { bubbles: true }));
    } else {
      const data = await response.json().catch(() => ({}));
      info.revert();
      say(`Not changed: ${data.error || "the server refused the change."}`);
    }
    // The server is the source of truth: draw what it holds now.
    calendar.refetchEvents();
  }

  const options = {
    view: config.view === "day" ? "resourceTimeGridDay" : "timeGridWeek",
    date: config.date,
    timeZone: "UTC",
    firstDay: 1,
    headerToolbar: { start: "", center: "", end: "" },
    height: "auto",
    allDaySlot: false,
    slotDuration: "00:15",
    slotLabelInterval: "01:00",
    slotHeight: 28,
    slotMinTime: config.slotMinTime,
    slotMaxTime: config.slotMaxTime,
    flexibleSlotTimeLimits: true,
    nowIndicator: true,
    resources: config.resources.map((r) => ({ id: r.id, title: r.title })),
    datesAboveResources: true,
    eventTimeFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
    slotLabelFormat: { hour: "2-digit", minute: "2-digit", hour12: false },
    dayHeaderFormat: { weekday: "short", day: "numeric", month: "short" },
    eventSources: [{ events: loadEvents }],
    eventContent,
    editable: config.canEdit,
    eventDurationEditable: config.canEdit,
    eventStartEditable: config.canEdit,
    pointer: config.canEdit,
    eventDrop: (info) => send(info, false),
    eventResize: (info) => send(info, true),
    resourceLabelDidMount: (info) => {
      const colour = config.resources.find((r) => r.id === String(info.resource.id))?.colour;
      if (COLOUR.test(colour || "")) info.el.style.setProperty("--pc", colour);
    },
  };
  if (config.canEdit) {
    // An empty slot opens the booking page for that provider and time.
    options.dateClick = (info) => {
      const provider = info.resource ? String(info.resource.id) : config.resources[0]?.id;
      const params = new URLSearchParams({ location: config.location, start: localText(info.date) });
      if (provider) params.set("provider", provider);
      window.location.href = `${config.bookUrl}?${params}`;
    };
  }
  calendar = window.EventCalendar.create(mount, options);
  // A booking made elsewhere on the page (the waitlist panel) redraws the board.
  document.body.addEventListener("appointment-changed", () => calendar.refetchEvents());
  mount.classList.add("is-ready");
  return calendar;
}

paint(document);
document.addEventListener("htmx:afterSettle", () => paint(document));

const configNode = document.getElementById("board-config");
const mount = document.querySelector("[data-board]");
if (configNode && mount) {
  const config = JSON.parse(configNode.textContent);
  const start = () => {
    window.board = startBoard(mount, config);
  };
  // The library is a deferred classic script: it has run before this module
  // unless the browser reordered them, in which case wait for the page load.
  if (window.EventCalendar) start();
  else window.addEventListener("load", start, { once: true });
}
