/* The leaderboard page's live part (vendored, no dependencies; ES5 for old store TVs).
   Listens to the page's stream and fetches the board again when it changed. EventSource
   reconnects by itself; after a reconnect the board is fetched once, in case a change
   came while the connection was down. */
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board || !window.EventSource) { return; }
  var fragmentUrl = board.getAttribute("data-fragment");
  var streamUrl = board.getAttribute("data-stream");
  var fetching = false, fetchAgain = false, wasLive = false;

  function refresh() {
    if (fetching) { fetchAgain = true; return; }
    fetching = true;
    var request = new XMLHttpRequest();
    request.open("GET", fragmentUrl);
    request.onload = function () {
      if (request.status === 200) { board.innerHTML = request.responseText; }
      done();
    };
    request.onerror = done;
    request.send();
  }

  function done() {
    fetching = false;
    if (fetchAgain) { fetchAgain = false; refresh(); }
  }

  function connect() {
    var source = new EventSource(streamUrl);
    source.addEventListener("ready", function () {
      document.body.setAttribute("data-live", "on");
      if (wasLive) { refresh(); }
      wasLive = true;
    });
    source.addEventListener("board", refresh);
    source.onerror = function () {
      document.body.setAttribute("data-live", "off");
      // A proxy's error page closes an EventSource for good; start a new one.
      if (source.readyState === EventSource.CLOSED) { setTimeout(connect, 5000); }
    };
  }

  connect();
})();
