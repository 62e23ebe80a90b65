// Loaded after require.js and before the ipywidgets HTML manager (_config.yml, nb_ipywidgets_js).

// 1. The manager looks for its icon fonts next to the URL require.js gives its module,
//    by default relative to the page; map that module to the folder beside this file,
//    so pages in every folder find the fonts, online and from file://.
require.config({
  paths: {
    "@jupyter-widgets/html-manager/dist": document.currentScript.src.replace(/[^/]*$/, "html-manager"),
  },
});

// 2. The widgets typeset their labels with MathJax 2's MathJax.Hub.Queue; the book loads
//    MathJax 3, so that call would throw.  Provide it, mapped onto MathJax 3.
(function () {
  var hub = {
    Queue: function (job) {
      var element = job && job[2];
      if (window.MathJax && MathJax.typesetPromise) {
        MathJax.typesetPromise(element ? [element] : undefined).catch(function (e) {
          console.warn("MathJax could not typeset a widget label:", e);
        });
      }
    },
  };
  // Before MathJax 3 loads, window.MathJax is its configuration; it then replaces the
  // object, so add the shim again once MathJax is ready.
  var config = (window.MathJax = window.MathJax || {});
  config.Hub = hub;
  config.startup = config.startup || {};
  var ready = config.startup.ready;
  config.startup.ready = function () {
    if (ready) ready();
    else MathJax.startup.defaultReady();
    MathJax.Hub = hub;
  };
})();
