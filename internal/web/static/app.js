// SafetyNet: small progressive enhancements; every page works without it.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("#print, [data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
});
