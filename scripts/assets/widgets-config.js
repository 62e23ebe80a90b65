// Loaded after require.js and before the ipywidgets HTML manager (_config.yml, nb_ipywidgets_js).

// 1. embed-amd.js defines the AMD modules @jupyter-widgets/base, /controls and
//    /html-manager (and /html-manager/dist/libembed-amd); each looks for its icon fonts
//    (Font Awesome, e.g. for the Play button) next to the URL require.js gives that module,
//    by default relative to the page (book/@jupyter-widgets/..., 404).  Map all of them to
//    the folder beside this file that holds the fonts, so pages in every folder find them,
//    online and from file://.
(function () {
  var fonts = document.currentScript.src.replace(/[^/]*$/, "html-manager");
  require.config({
    paths: {
      "@jupyter-widgets/base": fonts + "/base",
      "@jupyter-widgets/controls": fonts + "/controls",
      "@jupyter-widgets/html-manager": fonts + "/html-manager",
      "@jupyter-widgets/html-manager/dist": fonts,
    },
  });
})();

// 2. The theme's Font Awesome script replaces every <i class="fa ..."> it sees with an <svg>,
//    also in widgets rendered later (it watches the page).  The Play widget then finds no <i>
//    to switch between play and pause and throws ("Cannot set properties of undefined
//    (setting 'className')") on every step.  Let it convert only the icons that are in the
//    page when it starts (the theme's); widgets render after the page's load event and
//    keep their own icon font (fonts above).  This runs before the deferred theme script.
window.FontAwesomeConfig = Object.assign(window.FontAwesomeConfig || {}, { observeMutations: false });

// 3. The widgets typeset their labels with MathJax 2's MathJax.Hub.Queue; the book loads
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
