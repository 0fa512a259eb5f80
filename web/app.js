/* Starts the rasa-webchat widget (webchat.js, served by this Rasa server) on this page.
 * It talks to the socket.io channel of the same origin; the conversation lives in this
 * tab's sessionStorage, so a reload shows it again and closing the tab forgets it. */
(function () {
  "use strict";

  var mount = document.getElementById("webchat");
  var about = document.getElementById("about");

  // The explanation is open beside the chat on wide screens, folded on phones.
  if (about && window.matchMedia("(min-width: 800px)").matches) {
    about.open = true;
  }

  function notice(text) {
    var p = document.createElement("p");
    p.className = "bs-notice";
    p.textContent = text;
    mount.appendChild(p);
  }

  if (!window.WebChat || typeof window.WebChat.default !== "function") {
    notice("The chat could not be loaded. If your back pain worries you, please see a " +
           "physiotherapist or doctor; in an emergency call your local emergency number.");
    return;
  }

  // The second argument is the element to draw into (without it the widget adds its own
  // element at the end of <body>).
  window.WebChat.default({
    initPayload: "/greet",
    socketUrl: window.location.origin,
    socketPath: "/socket.io/",
    embedded: true,
    title: "Backstride",
    inputTextFieldHint: "Describe your back pain…",
    hideWhenNotConnected: false,
    params: { storage: "session" },
    // Show each reply after a short pause that grows with its length (0.4 to 1.5 s).
    customMessageDelay: function (text) {
      return Math.min(1500, Math.max(400, 15 * String(text || "").length));
    }
  }, mount);

  // The widget draws its buttons as <div class="rw-reply">: make them reachable and usable
  // from a keyboard and announced as buttons by screen readers.
  function asButtons(root) {
    var replies = root.querySelectorAll(".rw-reply:not([role])");
    for (var i = 0; i < replies.length; i++) {
      replies[i].setAttribute("role", "button");
      replies[i].setAttribute("tabindex", "0");
    }
  }
  new MutationObserver(function () { asButtons(mount); })
    .observe(mount, { childList: true, subtree: true });
  mount.addEventListener("keydown", function (event) {
    var target = event.target;
    if (target && target.classList && target.classList.contains("rw-reply") &&
        (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      target.click();
    }
  });
})();
