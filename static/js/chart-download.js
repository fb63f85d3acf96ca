// "Ladda ner PNG" under a chart (issue 20): draws the chart's inline SVG on a canvas at twice its
// size, on white, and saves it. Local, no library, no inline script (CSP: img-src allows data:).
// Without the script the button stays hidden; the SVG download is a plain link and needs none.
(function () {
  "use strict";
  var SCALE = 2;
  document.querySelectorAll("[data-chart-png]").forEach(function (button) {
    var slug = button.getAttribute("data-chart-png");
    var svg = document.querySelector('svg[data-chart="' + slug + '"]');
    if (!svg || !window.XMLSerializer || button.hasAttribute("data-chart-ready")) { return; }
    button.setAttribute("data-chart-ready", "");  // the script may be on a page twice
    button.hidden = false;
    button.addEventListener("click", function () {
      var width = parseFloat(svg.getAttribute("width"));
      var height = parseFloat(svg.getAttribute("height"));
      var image = new Image();
      image.onload = function () {
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(width * SCALE);
        canvas.height = Math.round(height * SCALE);
        var context = canvas.getContext("2d");
        context.fillStyle = "#ffffff";
        context.fillRect(0, 0, canvas.width, canvas.height);
        context.drawImage(image, 0, 0, canvas.width, canvas.height);
        var link = document.createElement("a");
        link.download = slug + ".png";
        link.href = canvas.toDataURL("image/png");
        document.body.appendChild(link);
        link.click();
        link.remove();
      };
      image.src = "data:image/svg+xml;charset=utf-8," +
        encodeURIComponent(new XMLSerializer().serializeToString(svg));
    });
  });
})();
